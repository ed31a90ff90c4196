using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TokenValidation.Tests.Resilience;

/// <summary>CONTRACT §7: upstream calls in flight are bounded; beyond the bound, misses are Unavailable at once.</summary>
public sealed class BulkheadTests
{
    private const int Bound = 4;
    private const int Extra = 50;

    [Fact]
    public async Task With_the_bulkhead_at_N_N_plus_50_concurrent_misses_make_at_most_N_calls_and_50_answer_Unavailable_at_once()
    {
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:MaxConcurrentUpstreamCalls"] = Bound.ToString(System.Globalization.CultureInfo.InvariantCulture),

            // Generous timeouts: the held calls must outlive the rejections, not time out.
            ["TokenValidation:AuthKit:Timeout"] = "00:01:00",
            ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:01:00",
        });
        long rejections = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, host.MeterFactory) && instrument.Name == "tokenvalidation.upstream.rejections")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref rejections, value));
        listener.Start();

        // The stand-in holds every userinfo request until released: "slow" without any timing guess.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        var tokens = Enumerable.Range(0, Bound + Extra).Select(_ => StandInHost.NewToken()).ToArray();
        foreach (var token in tokens)
        {
            host.AuthKit.AddUser(token, "user_" + token[^6..]);
        }

        var clock = Stopwatch.StartNew();
        var completedAt = new ConcurrentDictionary<int, TimeSpan>();
        var tasks = tokens.Select((token, i) => Track(i, host.Validation.ValidateAsync(token).AsTask())).ToArray();

        // The 50 beyond the bound answer while the N admitted calls are still held by the stand-in.
        await WaitUntil(() => completedAt.Count >= Extra, "the rejected misses to answer");
        await WaitUntil(() => host.AuthKit.CurrentInFlight == Bound, "the admitted calls to reach the stand-in");
        var early = tasks.Where(t => t.IsCompleted).Select(t => t.Result).ToArray();
        Assert.Equal(Extra, early.Length);
        Assert.All(early, r =>
        {
            Assert.Equal(TokenValidationOutcome.Unavailable, r.Outcome);
            Assert.Null(r.Error);
            Assert.NotNull(r.RetryAfter);
        });
        Assert.Equal(Bound, tasks.Count(t => !t.IsCompleted));
        Assert.Equal(Bound, host.Service.UpstreamCallsInFlight);
        Assert.True(completedAt.Values.Max() < TimeSpan.FromSeconds(5), $"rejections took {completedAt.Values.Max()}");

        release.SetResult();
        var all = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        clock.Stop();

        Assert.Equal(Bound, all.Count(r => r.Outcome == TokenValidationOutcome.Valid));
        Assert.Equal(Extra, all.Count(r => r.Outcome == TokenValidationOutcome.Unavailable));
        Assert.Equal(Bound, host.AuthKit.UserInfoCalls);
        Assert.True(host.AuthKit.MaxConcurrentUserInfoCalls <= Bound, $"{host.AuthKit.MaxConcurrentUserInfoCalls} calls in flight");
        Assert.Equal(0, host.Service.UpstreamCallsInFlight);
        Assert.Equal(Extra, Interlocked.Read(ref rejections));

        // The rejected ones were not cached: once there is room, they validate.
        var retried = await host.Validation.ValidateAsync(tokens.First(t => all[Array.IndexOf(tokens, t)].Outcome == TokenValidationOutcome.Unavailable));
        Assert.Equal(TokenValidationOutcome.Valid, retried.Outcome);

        async Task<TokenCheckResult> Track(int index, Task<TokenCheckResult> task)
        {
            var result = await task;
            completedAt[index] = clock.Elapsed;
            return result;
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}

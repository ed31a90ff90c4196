using System.Collections.Concurrent;
using System.Diagnostics;
using TokenValidation.Diagnostics;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Observability;

/// <summary>CONTRACT §9: the activity source traces cache fills and the userinfo call, with no token in any tag.</summary>
public sealed class ActivityTests
{
    [Fact]
    public async Task A_miss_is_traced_as_a_fill_and_a_userinfo_call_and_a_hit_is_not_traced()
    {
        await using var host = await StandInHost.StartAsync();
        string valid = StandInHost.NewToken(), down = StandInHost.NewToken();
        host.AuthKit.AddUser(valid, "user_01");

        // Only activities under this test's own root: other tests share the source name in this process.
        using var testSource = new ActivitySource("TokenValidation.Tests.ActivityTests." + Guid.NewGuid().ToString("N"));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TokenValidationDiagnostics.Name || s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        string rootId;
        using (var root = testSource.StartActivity("request")!)
        {
            rootId = root.TraceId.ToString();
            Assert.True((await host.Validation.ValidateAsync(valid)).IsValid);
            Assert.True((await host.Validation.ValidateAsync(valid)).IsValid);
            host.AuthKit.RespondWith(503);
            Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(down)).Outcome);
        }

        var ours = stopped.Where(a => a.TraceId.ToString() == rootId && a.Source.Name == TokenValidationDiagnostics.Name).ToList();
        Assert.Equal(2, ours.Count(a => a.OperationName == "TokenValidation.Fill"));
        var calls = ours.Where(a => a.OperationName == "TokenValidation.AuthKit.UserInfo").ToList();
        Assert.Equal(2, calls.Count);
        Assert.Contains(calls, a => (string?)a.GetTagItem("tokenvalidation.outcome") == "valid" && a.Status == ActivityStatusCode.Unset);
        Assert.Contains(calls, a => (string?)a.GetTagItem("tokenvalidation.outcome") == "unavailable" && a.Status == ActivityStatusCode.Error);
        Assert.All(calls, a => Assert.Equal(ActivityKind.Client, a.Kind));

        foreach (var activity in ours)
        {
            foreach (var tag in activity.TagObjects)
            {
                string text = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.DoesNotContain(valid[4..], text, StringComparison.Ordinal);
                Assert.DoesNotContain(down[4..], text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(valid[4..], activity.StatusDescription ?? "", StringComparison.Ordinal);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenValidation.ApiKeys;
using TokenValidation.Caching;
using TokenValidation.Parsing;
using TokenValidation.Testing;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Observability;

/// <summary>
/// CONTRACT §7, §9: no log line at any level — message, structured state, scopes or exception — holds a token, its
/// secret part, its full hash or its cache key, through every failure path the library has.
/// </summary>
public sealed class TokenNeverLoggedTests
{
    [Fact]
    public async Task No_log_line_at_any_level_contains_a_token_through_every_failure_path()
    {
        var tokens = new List<string>();
        var logs = new List<FakeLogRecord>();
        var keys = new List<string>();

        await RunIssuerFailuresAsync(tokens, logs, keys);
        await RunCircuitAndBulkheadAsync(tokens, logs);

        Assert.NotEmpty(logs);
        Assert.Contains(logs, l => l.Level == LogLevel.Trace || l.Level == LogLevel.Debug);
        Assert.Contains(logs, l => l.Level >= LogLevel.Warning && l.Exception is not null);
        foreach (int id in new[] { 3, 5, 10, 11, 13, 14, 15, 16, 17, 20, 30 })
        {
            Assert.True(logs.Any(l => l.Id.Id == id), $"No log with event id {id}: the scenario must reach it.");
        }

        var forbidden = new List<string>(keys);
        foreach (var token in tokens)
        {
            forbidden.Add(token);
            forbidden.Add(token[4..]);
            forbidden.Add(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
            forbidden.Add(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
        }

        foreach (var log in logs)
        {
            string text = log.ToFullText();
            foreach (var secret in forbidden)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A log line holds a token or its hash: [{log.Level}] {log.Category} ({log.Id.Id})");
            }
        }
    }

    private static async Task RunIssuerFailuresAsync(List<string> tokens, List<FakeLogRecord> logs, List<string> keys)
    {
        var apiKey = ApiKeyGenerator.Generate();
        var expiredKey = ApiKeyGenerator.Generate();
        var l2 = new FlakyDistributedCache();
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:AuthKit:Timeout"] = "00:00:01",
                ["TokenValidation:AuthKit:Resilience:AttemptTimeout"] = "00:00:00.300",
                ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
                ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "1000",
                ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
                ["TokenValidation:ApiKeys:Keys:0:Hash"] = apiKey.Hash,
                ["TokenValidation:ApiKeys:Keys:1:Name"] = "old-bot",
                ["TokenValidation:ApiKeys:Keys:1:Hash"] = expiredKey.Hash,
                ["TokenValidation:ApiKeys:Keys:1:ExpiresAt"] = "2001-01-01T00:00:00Z",
                ["TokenValidation:Cache:DistributedCacheFailureThreshold"] = "2",
            },
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2));
        string Next()
        {
            string token = StandInHost.NewToken();
            tokens.Add(token);
            return token;
        }

        async Task<TokenCheckResult> Validate(string token)
        {
            var result = await host.Validation.ValidateAsync(token);
            Assert.DoesNotContain(token[4..], result.ErrorDescription ?? "", StringComparison.Ordinal);
            return result;
        }

        string valid = Next();
        host.AuthKit.AddUser(valid, "user_01", "ada@example.com", "Ada");
        await Validate(valid);
        await Validate(valid);
        await Validate(Next());

        string retried = Next();
        host.AuthKit.AddUser(retried, "user_02");
        host.AuthKit.FailNext(1, StatusCodes.Status503ServiceUnavailable);
        await Validate(retried);

        host.AuthKit.RespondWith(429, headers: new Dictionary<string, string> { ["Retry-After"] = "60" });
        await Validate(Next());
        host.AuthKit.RespondWith(200, "this is not json");
        await Validate(Next());
        host.AuthKit.RespondWith(200, """{"sub":42}""");
        await Validate(Next());
        host.AuthKit.RespondWithLargeBody(200 * 1024, chunked: true);
        await Validate(Next());
        host.AuthKit.CloseConnection();
        await Validate(Next());
        host.AuthKit.Hang();
        await Validate(Next());
        host.AuthKit.ResetBehavior();

        tokens.AddRange([apiKey.Key, expiredKey.Key, "wcd_" + StandInHost.NewToken("")]);
        foreach (var key in tokens[^3..])
        {
            await Validate(key);
        }

        // Malformed in every way the reader knows; none of these may be logged either.
        string spaced = Next();
        foreach (var header in new[] { "Bearer " + spaced[..10] + " " + spaced[10..], "bearer " + spaced + "\u0001", "Bearer " + spaced + "é" })
        {
            var read = BearerTokenReader.Read(header);
            Assert.NotEqual(BearerTokenStatus.Found, read.Status);
            await host.Validation.ValidateAsync(header[7..]);
        }

        // Level 2 goes away: failures are warnings (one, then the cool-down), never the token.
        l2.Failing = true;
        string duringOutage = Next();
        host.AuthKit.AddUser(duringOutage, "user_03");
        await Validate(duringOutage);
        await Validate(Next());
        await host.Validation.InvalidateAsync(valid);

        var cache = host.Services.GetRequiredService<DistributedTokenCache>();
        keys.AddRange(tokens.Select(t => cache.GetKey(TokenHash.Compute(t))));
        logs.AddRange(host.Logs.GetSnapshot());
    }

    private static async Task RunCircuitAndBulkheadAsync(List<string> tokens, List<FakeLogRecord> logs)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:MaxConcurrentUpstreamCalls"] = "1",
                ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
                ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "2",
                ["TokenValidation:AuthKit:Resilience:BreakDuration"] = "00:00:05",
            },
            configure: b => b.AddValidator<ThrowingValidator>("thr_"),
            time: time);
        string Next(string prefix = "mat_")
        {
            string token = StandInHost.NewToken(prefix);
            tokens.Add(token);
            return token;
        }

        host.AuthKit.RespondWith(500);
        await host.Validation.ValidateAsync(Next());
        await host.Validation.ValidateAsync(Next());
        host.AuthKit.ResetBehavior();
        time.Advance(TimeSpan.FromSeconds(5));
        string back = Next();
        host.AuthKit.AddUser(back, "user_back");
        await host.Validation.ValidateAsync(back);

        // The bulkhead at one: a held call, and a second miss turned away.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        var held = host.Validation.ValidateAsync(Next()).AsTask();
        Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(Next())).Outcome);
        release.SetResult();
        await held;

        // A validator that throws: logged with its exception (whose text is the application's to keep clean).
        await host.Validation.ValidateAsync(Next("thr_"));

        logs.AddRange(host.Logs.GetSnapshot());
    }

    private sealed class ThrowingValidator : ITokenValidator
    {
        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The key store is down (test).");
    }
}

using System.Collections.Concurrent;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 single flight at every instant, including the one where a fill is finishing: callers sweeping the same
/// tokens at the same pace keep landing in that instant, and still make one upstream call per token per lifetime.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SingleFlightStressTests
{
    private const int Callers = 16;
    private const int Tokens = 20_000;

    [Fact]
    public async Task Sixteen_callers_sweeping_the_same_tokens_make_exactly_one_upstream_call_per_token()
    {
        var validator = new PerTokenCountingValidator();
        await using var host = await CoreHost.StartAsync(
            configure: b => b.AddValidator<PerTokenCountingValidator>("swp_"),
            services: s => s.AddSingleton(validator));
        var tokens = Enumerable.Range(0, Tokens).Select(i => $"swp_token_{i:D6}").ToArray();

        using var start = new Barrier(Callers);
        var sweeps = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            int valid = 0;
            foreach (var token in tokens)
            {
                valid += (await host.Validation.ValidateAsync(token)).IsValid ? 1 : 0;
            }

            return valid;
        })).ToArray();
        var valid = await Task.WhenAll(sweeps).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.All(valid, v => Assert.Equal(Tokens, v));
        Assert.Equal(Tokens, validator.Calls.Count);
        var repeated = validator.Calls.Where(c => c.Value != 1).Select(c => $"{c.Key}: {c.Value}").Take(5).ToArray();
        Assert.True(repeated.Length == 0, $"{validator.Calls.Values.Sum() - Tokens} extra upstream calls, e.g. {string.Join(", ", repeated)}");
    }

    /// <summary>Answers Valid after yielding (as a call over the network does) and counts calls per token.</summary>
    private sealed class PerTokenCountingValidator : ITokenValidator
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

        public async ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
        {
            Calls.AddOrUpdate(token, 1, static (_, n) => n + 1);
            await Task.Yield();
            return TokenCheckResult.Valid(new TokenIdentity { Subject = "sweeper", Source = "sweep" });
        }
    }
}

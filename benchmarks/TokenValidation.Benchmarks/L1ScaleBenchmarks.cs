using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// CONTRACT §10 (issue 15, item 6): an L1 hit's cost as the cache grows from 1,000 to 1,000,000 entries (flat within
/// 1.1× is the target), and the bytes each entry costs (printed by the set-up, from the managed heap before and after
/// the fill). Each measured call hits one of 1,024 tokens spread over the whole cache, so the hit is not a hot line.
/// </summary>
/// <remarks>
/// Every token is validated once in set-up through the service by a local validator that gives each token its own
/// identity (subject, email, three scopes, three claims), so an entry is the size a real one is.
/// </remarks>
[MemoryDiagnoser]
public class L1ScaleBenchmarks
{
    private const int Probes = 1024;

    private AuthKitStandIn _authKit = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private string[] _probes = null!;
    private int _next;

    /// <summary>How many tokens level 1 holds.</summary>
    [Params(1_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _authKit = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _provider = BenchmarkData.BuildProvider(
            _authKit.Authority,
            services: s => s.AddSingleton<ScaleValidator>(),
            configure: b => b.AddValidator<ScaleValidator>("scale_").ConfigureCache(o => o.MaxEntries = Math.Max(Entries, 1_000) + 1));
        _service = _provider.GetRequiredService<ITokenValidationService>();

        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < Entries; i++)
        {
            BenchmarkData.Expect(BenchmarkData.Result(_service.ValidateAsync(Token(i))).IsValid, "a scale token validates");
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// L1 with {Entries:N0} entries: {(after - before) / (double)Entries:N0} bytes per entry (managed heap, identity included).");
        var random = new Random(42);
        _probes = [.. Enumerable.Range(0, Probes).Select(_ => Token(random.Next(Entries)))];
        BenchmarkData.Expect(_provider.GetRequiredService<ScaleValidator>().Calls == Entries, "one validation per token, then hits");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: validations during the run = {_provider.GetRequiredService<ScaleValidator>().Calls - Entries} (0 means every measured call was an L1 hit).");
        _provider.Dispose();
        _authKit.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>An L1 hit on one of the cached tokens.</summary>
    [Benchmark]
    public TokenCheckResult L1Hit() => BenchmarkData.Result(_service.ValidateAsync(_probes[_next++ & (Probes - 1)]));

    private static string Token(int i) => $"scale_{i:D10}_0123456789abcdefghijklmnopqrstuv";

    /// <summary>A local validator: every token valid, each with its own identity.</summary>
    internal sealed class ScaleValidator : ITokenValidator
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            string id = token[6..16];
            return new(TokenCheckResult.Valid(new TokenIdentity
            {
                Subject = "user_" + id,
                Email = id + "@example.com",
                Scopes = ["openid", "email", "mcp:tools"],
                Claims = [new("org_id", "org_" + id), new("sid", "session_" + id), new("client_id", "client_bench")],
                Source = "scale",
            }));
        }
    }
}

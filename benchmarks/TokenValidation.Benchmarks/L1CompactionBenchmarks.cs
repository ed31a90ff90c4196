using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Caching;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// CONTRACT §10 / issue 15 item 6: what level 1's bound costs. (a) <see cref="InsertCompacting"/>: one new token
/// validated when level 1 holds exactly its bound, so its insert runs the compaction (a scan of every entry, a tenth of
/// them removed), against <see cref="InsertBelowBound"/>, the same insert with room to spare. (b) <see cref="HitDuringCompactions"/>:
/// a cached token's hit while a background thread validates new tokens past the bound without pause (a compaction every
/// tenth of the bound), against <see cref="HitQuiet"/>, the same hits with nothing else running; each call is timed on
/// its own and the clean-up prints the per-call percentiles (p50, p99, p99.9, max).
/// </summary>
/// <remarks>
/// The library is built through the public DI path with a local validator (<see cref="L1ScaleBenchmarks.ScaleValidator"/>:
/// every token valid, each with its own identity), so the fill and the compaction are the real ones and no network is
/// involved. The per-call timings of (b) include the two timestamp reads (tens of ns); a compaction may evict a probed
/// token, whose next lookup is then a miss that revalidates locally: the clean-up prints how many there were.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class L1CompactionBenchmarks
{
    private const int Probes = 1024;
    private const int MaxSamples = 1 << 22;
    private const int HitsPerInvoke = 16_384;

    private AuthKitStandIn _authKit = null!;
    private ServiceProvider _provider = null!;
    private ITokenValidationService _service = null!;
    private MemoryTokenCache _l1 = null!;
    private L1ScaleBenchmarks.ScaleValidator _validator = null!;
    private string[] _probes = null!;
    private long _nextToken;
    private int _nextProbe;
    private long[] _samples = null!;
    private long _sampleCount;
    private Thread? _inserter;
    private volatile bool _stop;
    private long _backgroundInserts;
    private int _compactionsChecked;
    private long _callsAfterSetup;

    /// <summary>Level 1's bound (<c>TokenValidation:Cache:MaxEntries</c>).</summary>
    [Params(100_000)]
    public int Bound { get; set; }

    [GlobalSetup(Targets = [nameof(InsertCompacting), nameof(InsertBelowBound)])]
    public void SetupInserts() => Build(samples: false);

    [GlobalSetup(Target = nameof(HitQuiet))]
    public void SetupQuiet() => Build(samples: true);

    [GlobalSetup(Target = nameof(HitDuringCompactions))]
    public void SetupCompacting()
    {
        Build(samples: true);
        _inserter = new Thread(InsertPastTheBound) { IsBackground = true, Name = "L1 inserter" };
        _inserter.Start();
        SpinWait.SpinUntil(() => Interlocked.Read(ref _backgroundInserts) > Bound / 5);
    }

    /// <summary>Level 1 at exactly its bound, so the next new token's insert compacts.</summary>
    [IterationSetup(Target = nameof(InsertCompacting))]
    public void FillToBound() => FillTo(Bound);

    /// <summary>Level 1 a hundred entries below its bound, so the next insert does not compact.</summary>
    [IterationSetup(Target = nameof(InsertBelowBound))]
    public void FillBelowBound()
    {
        if (_l1.TrackedCount > Bound - 100)
        {
            // Make room the way the bound itself does: one compaction (not measured).
            FillTo(Bound);
            Validate(NextToken());
        }

        FillTo(Bound - 100);
    }

    [IterationCleanup(Target = nameof(InsertCompacting))]
    public void CheckCompacted()
    {
        BenchmarkData.Expect(_l1.TrackedCount < Bound, $"the insert at the bound compacted level 1 (holds {_l1.TrackedCount:N0})");
        _compactionsChecked++;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _inserter?.Join();
        if (_inserter is not null)
        {
            Console.WriteLine($"// Background inserts: {_backgroundInserts:N0} new tokens, about {_backgroundInserts / Math.Max(1, Bound / 10):N0} compactions.");
        }

        if (_compactionsChecked > 0)
        {
            Console.WriteLine($"// Check: {_compactionsChecked} measured inserts at the bound, each compacted level 1.");
        }

        if (_samples is not null)
        {
            PrintPercentiles();
        }

        _provider.Dispose();
        _authKit.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>(a) A new token validated with level 1 at its bound: the fill, the insert and the compaction it triggers.</summary>
    [Benchmark]
    public TokenCheckResult InsertCompacting() => Validate(NextToken());

    /// <summary>(a) The same insert below the bound: what <see cref="InsertCompacting"/> costs without the compaction.</summary>
    [Benchmark]
    public TokenCheckResult InsertBelowBound() => Validate(NextToken());

    /// <summary>(b) L1 hits on the 1,024 cached probe tokens with nothing else running, each call timed.</summary>
    [Benchmark(OperationsPerInvoke = HitsPerInvoke)]
    public bool HitQuiet() => TimedHits();

    /// <summary>(b) The same hits while a background thread inserts new tokens past the bound (continuous compactions).</summary>
    [Benchmark(OperationsPerInvoke = HitsPerInvoke)]
    public bool HitDuringCompactions() => TimedHits();

    private void Build(bool samples)
    {
        _authKit = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _provider = BenchmarkData.BuildProvider(
            _authKit.Authority,
            services: s => s.AddSingleton<L1ScaleBenchmarks.ScaleValidator>(),
            configure: b => b.AddValidator<L1ScaleBenchmarks.ScaleValidator>("scale_").ConfigureCache(o => o.MaxEntries = Bound));
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _l1 = _provider.GetRequiredService<TokenValidationService>().MemoryCache;
        _validator = _provider.GetRequiredService<L1ScaleBenchmarks.ScaleValidator>();

        // The probes first, then the cache filled to 90% of its bound with others: where a compaction leaves it.
        _probes = new string[Probes];
        for (int i = 0; i < Probes; i++)
        {
            _probes[i] = NextToken();
            Validate(_probes[i]);
        }

        FillTo(Bound - (Bound / 10));
        BenchmarkData.Expect(_l1.Count == Bound - (Bound / 10), $"level 1 holds 90% of its bound ({_l1.Count:N0})");
        if (samples)
        {
            _samples = new long[MaxSamples];
        }

        _callsAfterSetup = _validator.Calls;
    }

    private void FillTo(int count)
    {
        while (_l1.TrackedCount < count)
        {
            Validate(NextToken());
        }
    }

    private TokenCheckResult Validate(string token)
    {
        var result = BenchmarkData.Result(_service.ValidateAsync(token));
        BenchmarkData.Expect(result.IsValid, "a scale token validates");
        return result;
    }

    private string NextToken() => $"scale_{Interlocked.Increment(ref _nextToken):D10}_0123456789abcdefghijklmnopqrstuv";

    private bool TimedHits()
    {
        bool valid = true;
        for (int i = 0; i < HitsPerInvoke; i++)
        {
            string token = _probes[_nextProbe++ & (Probes - 1)];
            long start = Stopwatch.GetTimestamp();
            var result = BenchmarkData.Result(_service.ValidateAsync(token));
            long elapsed = Stopwatch.GetTimestamp() - start;
            _samples[_sampleCount++ & (MaxSamples - 1)] = elapsed;
            valid &= result.IsValid;
        }

        return valid;
    }

    private void InsertPastTheBound()
    {
        while (!_stop)
        {
            _ = BenchmarkData.Result(_service.ValidateAsync(NextToken()));
            Interlocked.Increment(ref _backgroundInserts);
        }
    }

    private void PrintPercentiles()
    {
        int n = (int)Math.Min(_sampleCount, MaxSamples);
        if (n == 0)
        {
            return;
        }

        var sorted = _samples[..n];
        Array.Sort(sorted);
        double Ns(double fraction) => sorted[Math.Min(n - 1, (int)(fraction * n))] * 1e9 / Stopwatch.Frequency;
        long probeMisses = _validator.Calls - _callsAfterSetup - _backgroundInserts;
        Console.WriteLine(
            $"// Per-call hit latency over {n:N0} calls{(_inserter is null ? " (quiet)" : " (during compactions)")}: " +
            $"p50 {Ns(0.50):N0} ns, p90 {Ns(0.90):N0} ns, p99 {Ns(0.99):N0} ns, p99.9 {Ns(0.999):N0} ns, max {Ns(1.0):N0} ns.");
        Console.WriteLine($"// Probe lookups that missed (a compaction had evicted the probe; revalidated locally): {probeMisses:N0} of {_sampleCount:N0}.");
    }
}

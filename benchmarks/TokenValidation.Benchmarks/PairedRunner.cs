using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TokenValidation.Benchmarks;

/// <summary>
/// A cross-check for the §10 ratios on a machine whose speed drifts (a shared 2-vCPU VM): the two sides of each ratio
/// are measured interleaved, in rounds of A B B A batches of about 100 ms each, and the ratio is taken per round, so
/// a change in machine speed between two BenchmarkDotNet runs of a class cannot masquerade as a difference between
/// the two operations. Uses the same set-up and the same benchmark methods as the BenchmarkDotNet classes.
/// </summary>
/// <remarks>
/// BenchmarkDotNet measures each benchmark in its own process, one after another, which is the right tool for
/// absolute figures and allocations; this runner only answers "how many times slower is A than B, right now".
/// Run with <c>--paired</c> (see ../README.md).
/// </remarks>
internal static class PairedRunner
{
    private static long _sink;

    public static int Run(bool quick, string outputDirectory)
    {
        int rounds = quick ? 6 : 21;
        var batch = TimeSpan.FromMilliseconds(quick ? 50 : 100);
        var rows = new List<string>();

        // --jwt: only the JWT rows (no Redis needed).
        if (!Environment.GetCommandLineArgs().Contains("--jwt"))
        {
            var l1 = new L1HitBenchmarks();
            l1.Setup();
            try
            {
                rows.Add(Compare("L1 hit / SHA-256 floor", "≤ 1.1×", r => r <= 1.1, () => Sink(l1.L1Hit()), () => Sink(l1.Sha256Floor()), rounds, batch));
                rows.Add(Compare("RS256 JWT validation / L1 hit", "≥ 20×", r => r >= 20, () => Sink(l1.JwtRs256Validation()), () => Sink(l1.L1Hit()), rounds, batch));
                rows.Add(Compare("Introspection cache hit / L1 hit", "≥ 3×", r => r >= 3, () => Sink(l1.IntrospectionCacheHit()), () => Sink(l1.L1Hit()), rounds, batch));
                rows.Add(Compare("HybridCache hit, mutable caller (copy per hit) / L1 hit", "≥ 3×", r => r >= 3, () => Sink(l1.HybridCacheHitMutable()), () => Sink(l1.L1Hit()), rounds, batch));
                rows.Add(Compare("HybridCache hit, immutable caller (best case) / L1 hit", "(none)", null, () => Sink(l1.HybridCacheHit()), () => Sink(l1.L1Hit()), rounds, batch));
            }
            finally
            {
                l1.Cleanup();
            }

            var l2 = new L2HitBenchmarks();
            l2.Setup();
            try
            {
                rows.Add(Compare("L2 hit / bare Redis GET", "≤ 1.1×", r => r <= 1.1, () => Sink(Wait(l2.L2Hit())), () => Sink(Wait(l2.RedisGet())), rounds, batch));

                // Where the L2 overhead goes (informational).
                rows.Add(Compare("GET + the library's per-call timeout / GET", "(none)", null, () => Sink(Wait(l2.RedisGetWithTimeout())), () => Sink(Wait(l2.RedisGet())), rounds, batch));
                rows.Add(Compare("GET + a shared deadline token / GET", "(none)", null, () => Sink(Wait(l2.RedisGetWithSharedDeadline())), () => Sink(Wait(l2.RedisGet())), rounds, batch));
                rows.Add(Compare("GET + one thread-pool hop / GET", "(none)", null, () => Sink(Wait(l2.RedisGetThenThreadPoolHop())), () => Sink(Wait(l2.RedisGet())), rounds, batch));
                rows.Add(Compare("L2 hit / GET + the library's per-call timeout", "(none)", null, () => Sink(Wait(l2.L2Hit())), () => Sink(Wait(l2.RedisGetWithTimeout())), rounds, batch));
            }
            finally
            {
                l2.Cleanup();
            }
        }

        var cachedJwt = new JwtL1HitBenchmarks();
        cachedJwt.Setup();
        try
        {
            rows.Add(Compare("Cached JWT (L1 hit) / SHA-256 floor of the JWT", "≤ 1.1×", r => r <= 1.1, () => Sink(cachedJwt.JwtL1Hit()), () => Sink(cachedJwt.Sha256Floor()), rounds, batch));
            rows.Add(Compare("The library's token hash / SHA-256 floor of the JWT", "(none)", null, () => Sink(cachedJwt.TokenHashCompute()), () => Sink(cachedJwt.Sha256Floor()), rounds, batch));
        }
        finally
        {
            cachedJwt.Cleanup();
        }

        var jwt = new JwtMissBenchmarks();
        jwt.Setup();
        try
        {
            rows.Add(Compare("JWT first validation / bare JsonWebTokenHandler", "≤ 1.1×", r => r <= 1.1, () => Sink(jwt.JwtMiss()), () => Sink(jwt.BareJsonWebTokenHandler()), rounds, batch));
            rows.Add(Compare("JWT validator alone / bare JsonWebTokenHandler", "(none)", null, () => Sink(jwt.ValidatorOnly()), () => Sink(jwt.BareJsonWebTokenHandler()), rounds, batch));
            rows.Add(Compare("JWT first validation / JWT validator alone", "(none)", null, () => Sink(jwt.JwtMiss()), () => Sink(jwt.ValidatorOnly()), rounds, batch));
        }
        finally
        {
            jwt.Cleanup();
        }

        var text = new StringBuilder();
        text.AppendLine($"| paired, interleaved (ABBA, {rounds} rounds of ~{batch.TotalMilliseconds:0} ms batches) | A ns/op | B ns/op | A/B median (min–max) | target | |");
        text.AppendLine("|---|---:|---:|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        Console.WriteLine();
        Console.WriteLine("// * CONTRACT.md §10, paired cross-check *");
        Console.Write(text);
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "paired.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"// written to {path}");
        return 0;
    }

    private static string Compare(string name, string target, Func<double, bool>? pass, Action a, Action b, int rounds, TimeSpan batch)
    {
        // Warm both up (tiered JIT), then size the batches from a short calibration.
        int na = Calibrate(a, batch), nb = Calibrate(b, batch);
        var ratios = new double[rounds];
        double totalA = 0, totalB = 0;
        for (int round = 0; round < rounds; round++)
        {
            double a1 = Time(a, na), b1 = Time(b, nb), b2 = Time(b, nb), a2 = Time(a, na);
            double perA = (a1 + a2) / (2.0 * na), perB = (b1 + b2) / (2.0 * nb);
            ratios[round] = perA / perB;
            totalA += perA;
            totalB += perB;
        }

        Array.Sort(ratios);
        double median = ratios[rounds / 2];
        string F(double v) => v.ToString(v >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"// {name}: median {F(median)}× over {rounds} rounds ({na} and {nb} ops per batch)");
        return $"| {name} | {F(totalA / rounds)} | {F(totalB / rounds)} | **{F(median)}×** ({F(ratios[0])}–{F(ratios[^1])}) | {target} | {(pass is null ? "info" : pass(median) ? "met" : "MISSED")} |";
    }

    private static int Calibrate(Action operation, TimeSpan batch)
    {
        var watch = Stopwatch.StartNew();
        int count = 0;
        while (watch.Elapsed < TimeSpan.FromMilliseconds(300) || count < 50)
        {
            operation();
            count++;
        }

        double perOp = watch.Elapsed.TotalNanoseconds / count;
        return (int)Math.Clamp(batch.TotalNanoseconds / perOp, 20, 5_000_000);
    }

    // --cpu (Linux): the measuring thread's CPU time instead of wall time, so time the thread spends waiting for a
    // core another process holds is not counted (cache effects of that process still are).
    private static readonly bool Cpu = Environment.GetCommandLineArgs().Contains("--cpu") && OperatingSystem.IsLinux();

    private const int ClockThreadCpuTime = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    private static double ThreadCpuNanoseconds()
    {
        _ = ClockGetTime(ClockThreadCpuTime, out var t);
        return t.Seconds * 1e9 + t.Nanoseconds;
    }

    private static double Time(Action operation, int count)
    {
        if (Cpu)
        {
            double cpuStart = ThreadCpuNanoseconds();
            for (int i = 0; i < count; i++)
            {
                operation();
            }

            return ThreadCpuNanoseconds() - cpuStart;
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            operation();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static void Sink<T>(T value) => _sink += value is null ? 0 : 1;

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace TokenValidation.Benchmarks;

/// <summary>Prints the CONTRACT.md §10 ratios from the run's summaries and writes them to results/section10.md.</summary>
internal static class Section10Report
{
    public static int Write(IReadOnlyList<Summary> summaries)
    {
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
        if (reports.Count == 0)
        {
            // --list, --help and the like run nothing; a run whose benchmarks all failed is an error.
            if (summaries.Count > 0)
            {
                Console.Error.WriteLine("No benchmark produced a result.");
                return 1;
            }

            return 0;
        }

        double? Mean(string type, string method) => Find(type, method)?.ResultStatistics!.Mean;
        long? Allocated(string type, string method) => Find(type, method) is { } r ? r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) : null;
        BenchmarkReport? Find(string type, string method) => reports.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type.Name == type && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);

        // Rows measured twice (first and last: a bracket against drift on a shared machine) count as their mean.
        double? Pair(string type, string first, string repeat) =>
            (Mean(type, first), Mean(type, repeat)) switch
            {
                ({ } a, { } b) => (a + b) / 2,
                ({ } a, null) => a,
                (null, var b) => b,
            };

        const string L1 = nameof(L1HitBenchmarks);
        const string L2 = nameof(L2HitBenchmarks);
        const string Miss = nameof(MissBenchmarks);
        const string Keys = nameof(ApiKeyAndRejectionBenchmarks);
        const string JwtMiss = nameof(JwtMissBenchmarks);
        const string JwtHit = nameof(JwtL1HitBenchmarks);
        const string Introspection = nameof(IntrospectionMissBenchmarks);

        var rows = new List<string[]>();
        void Ratio(string check, double? numerator, double? denominator, string target, Func<double, bool>? pass)
        {
            if (numerator is not { } n || denominator is not { } d || d <= 0)
            {
                return;
            }

            double ratio = n / d;
            rows.Add([check, ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×", target, pass is null ? "info" : pass(ratio) ? "met" : "MISSED"]);
        }

        var l1 = Pair(L1, nameof(L1HitBenchmarks.L1Hit), nameof(L1HitBenchmarks.L1HitRepeat));
        var floor = Pair(L1, nameof(L1HitBenchmarks.Sha256Floor), nameof(L1HitBenchmarks.Sha256FloorRepeat));
        Ratio("L1 hit / SHA-256 floor", l1, floor, "≤ 1.1×", r => r <= 1.1);
        void Allocation(string check, string type, string method, long limit, string target)
        {
            if (Allocated(type, method) is { } bytes)
            {
                rows.Add([check, bytes.ToString(CultureInfo.InvariantCulture) + " B/op", target, bytes <= limit ? "met" : "MISSED"]);
            }
        }

        Allocation("L1 hit allocated", L1, nameof(L1HitBenchmarks.L1Hit), 0, "0 B");

        Ratio("RS256 JWT validation / L1 hit", Mean(L1, nameof(L1HitBenchmarks.JwtRs256Validation)), l1, "≥ 20×", r => r >= 20);
        Ratio("Introspection cache hit (IDistributedCache + JSON) / L1 hit", Mean(L1, nameof(L1HitBenchmarks.IntrospectionCacheHit)), l1, "≥ 3×", r => r >= 3);
        Ratio("HybridCache hit, a mutable caller (its default: a copy per hit) / L1 hit", Mean(L1, nameof(L1HitBenchmarks.HybridCacheHitMutable)), l1, "≥ 3×", r => r >= 3);
        Ratio("HybridCache hit, an immutable caller (its best case: the same instance) / L1 hit", Mean(L1, nameof(L1HitBenchmarks.HybridCacheHit)), l1, "(none)", null);
        Ratio("SHA-256 + hex + IMemoryCache / L1 hit", Mean(L1, nameof(L1HitBenchmarks.Sha256HexMemoryCache)), l1, "(none)", null);
        Ratio("L1 hit with a MeterListener / SHA-256 floor", Mean(L1, nameof(L1HitBenchmarks.L1HitWithMetricsListener)), floor, "(none)", null);
        var l2 = Pair(L2, nameof(L2HitBenchmarks.L2Hit), nameof(L2HitBenchmarks.L2HitRepeat));
        var get = Pair(L2, nameof(L2HitBenchmarks.RedisGet), nameof(L2HitBenchmarks.RedisGetRepeat));
        Ratio("L2 hit / bare Redis GET (same RedisCache)", l2, get, "≤ 1.1×", r => r <= 1.1);
        Ratio("L2 hit / raw StackExchange.Redis GET", l2, Mean(L2, nameof(L2HitBenchmarks.RawStackExchangeRedisGet)), "(none)", null);
        Ratio("GET + library's per-call timeout / bare GET", Mean(L2, nameof(L2HitBenchmarks.RedisGetWithTimeout)), get, "(none)", null);
        Ratio("GET + shared deadline token / bare GET", Mean(L2, nameof(L2HitBenchmarks.RedisGetWithSharedDeadline)), get, "(none)", null);
        const string L2Cpu = nameof(L2PathCpuBenchmarks);
        if (Mean(L2Cpu, nameof(L2PathCpuBenchmarks.L2HitInMemory)) is { } l2Cpu && Mean(L2Cpu, nameof(L2PathCpuBenchmarks.InMemoryGet)) is { } inMemoryGet)
        {
            // The L2 path's own CPU: the same hit over a synchronous MemoryDistributedCache, minus that cache's bare read.
            double own = (l2Cpu - inMemoryGet) / 1000;
            rows.Add(["L2 path's own CPU (L2HitInMemory − InMemoryGet)", own.ToString("0.00", CultureInfo.InvariantCulture) + " µs", "≤ 1.5 µs", own <= 1.5 ? "met" : "MISSED"]);
        }

        if (Allocated(L2Cpu, nameof(L2PathCpuBenchmarks.L2HitInMemory)) is { } l2Bytes && Allocated(L2Cpu, nameof(L2PathCpuBenchmarks.InMemoryGet)) is { } getBytes)
        {
            long ownBytes = l2Bytes - getBytes;
            rows.Add(["L2 path's own allocation (L2HitInMemory − InMemoryGet)", ownBytes.ToString(CultureInfo.InvariantCulture) + " B/op", "≤ 1 KB", ownBytes <= 1024 ? "met" : "MISSED"]);
        }

        Ratio("Userinfo miss / bare HttpClient GET of userinfo", Mean(Miss, nameof(MissBenchmarks.UserInfoMiss)), Mean(Miss, nameof(MissBenchmarks.BareHttpGet)), "≤ 1.2×", r => r <= 1.2);
        Allocation("Userinfo miss allocated", Miss, nameof(MissBenchmarks.UserInfoMiss), 6 * 1024, "≤ 6 KB");
        Ratio("JWT miss (first validation) / bare JsonWebTokenHandler",
            Pair(JwtMiss, nameof(JwtMissBenchmarks.JwtMiss), nameof(JwtMissBenchmarks.JwtMissRepeat)),
            Pair(JwtMiss, nameof(JwtMissBenchmarks.BareJsonWebTokenHandler), nameof(JwtMissBenchmarks.BareJsonWebTokenHandlerRepeat)), "≤ 1.1×", r => r <= 1.1);
        const string Kinds = nameof(CachedTokenKindsBenchmarks);
        Ratio("Cached introspection answer (L1 hit) / SHA-256 floor",
            Pair(Kinds, nameof(CachedTokenKindsBenchmarks.CachedIntrospection), nameof(CachedTokenKindsBenchmarks.CachedIntrospectionRepeat)),
            Pair(Kinds, nameof(CachedTokenKindsBenchmarks.Sha256FloorOpaque), nameof(CachedTokenKindsBenchmarks.Sha256FloorOpaqueRepeat)), "≤ 1.1×", r => r <= 1.1);
        Allocation("Cached introspection answer allocated", Kinds, nameof(CachedTokenKindsBenchmarks.CachedIntrospection), 0, "0 B");
        Ratio("Cached API key (L1 hit) / SHA-256 floor",
            Pair(Kinds, nameof(CachedTokenKindsBenchmarks.CachedApiKey), nameof(CachedTokenKindsBenchmarks.CachedApiKeyRepeat)),
            Pair(Kinds, nameof(CachedTokenKindsBenchmarks.Sha256FloorApiKey), nameof(CachedTokenKindsBenchmarks.Sha256FloorApiKeyRepeat)), "≤ 1.1×", r => r <= 1.1);
        Allocation("Cached API key allocated", Kinds, nameof(CachedTokenKindsBenchmarks.CachedApiKey), 0, "0 B");
        Ratio("Cached JWT (L1 hit) / SHA-256 floor of the JWT",
            Pair(JwtHit, nameof(JwtL1HitBenchmarks.JwtL1Hit), nameof(JwtL1HitBenchmarks.JwtL1HitRepeat)),
            Pair(JwtHit, nameof(JwtL1HitBenchmarks.Sha256Floor), nameof(JwtL1HitBenchmarks.Sha256FloorRepeat)), "≤ 1.1×", r => r <= 1.1);
        Allocation("Cached JWT (L1 hit) allocated", JwtHit, nameof(JwtL1HitBenchmarks.JwtL1Hit), 0, "0 B");
        Ratio("Introspection miss / bare POST of the same form",
            Pair(Introspection, nameof(IntrospectionMissBenchmarks.IntrospectionMiss), nameof(IntrospectionMissBenchmarks.IntrospectionMissRepeat)),
            Pair(Introspection, nameof(IntrospectionMissBenchmarks.BareIntrospectionPost), nameof(IntrospectionMissBenchmarks.BareIntrospectionPostRepeat)), "≤ 1.2×", r => r <= 1.2);
        Allocation("Introspection miss allocated", Introspection, nameof(IntrospectionMissBenchmarks.IntrospectionMiss), 6 * 1024, "≤ 6 KB");
        Ratio("API key L1 hit / SHA-256 floor", Mean(Keys, nameof(ApiKeyAndRejectionBenchmarks.ApiKeyL1Hit)), Mean(Keys, nameof(ApiKeyAndRejectionBenchmarks.Sha256Floor)), "(none)", null);

        void Drift(string what, string type, string first, string repeat)
        {
            if (Mean(type, first) is { } a && Mean(type, repeat) is { } b)
            {
                rows.Add([what + ": measured last / first", (b / a).ToString("0.00", CultureInfo.InvariantCulture) + "×", "(drift)", "info"]);
            }
        }

        Drift("SHA-256 floor", L1, nameof(L1HitBenchmarks.Sha256Floor), nameof(L1HitBenchmarks.Sha256FloorRepeat));
        Drift("L1 hit", L1, nameof(L1HitBenchmarks.L1Hit), nameof(L1HitBenchmarks.L1HitRepeat));
        Drift("Redis GET", L2, nameof(L2HitBenchmarks.RedisGet), nameof(L2HitBenchmarks.RedisGetRepeat));
        Drift("L2 hit", L2, nameof(L2HitBenchmarks.L2Hit), nameof(L2HitBenchmarks.L2HitRepeat));

        var text = new StringBuilder();
        text.AppendLine("| CONTRACT.md §10 check (ratio of means; rows measured twice count as the mean of both) | measured | target | |");
        text.AppendLine("|---|---:|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        Console.WriteLine();
        Console.WriteLine("// * CONTRACT.md §10 (ratios of means from this run) *");
        Console.Write(text);

        var directory = summaries.FirstOrDefault(s => s.Reports.Length > 0)?.ResultsDirectoryPath;
        if (directory is not null && rows.Count > 0)
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "section10.md");
            File.WriteAllText(path, text.ToString());
            Console.WriteLine($"// written to {path}");
        }

        return 0;
    }
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TokenValidation.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/TokenValidation.Benchmarks -- [--quick] [--paired] [BenchmarkDotNet arguments]
//   --quick      in process, 1 warm-up and 3 measured iterations: a smoke run that every row works (figures not for quoting)
//   --medium     1 launch, 6 warm-up and 20 measured iterations: quotable figures in about a third of the full job's time
//   --paired     instead of BenchmarkDotNet, the interleaved cross-check of the §10 ratios (PairedRunner.cs);
//                with --jwt only the JWT rows, with --cpu (Linux) thread CPU time instead of wall time
//   no --filter  runs every class (BenchmarkDotNet would otherwise ask interactively)
// After the run, the CONTRACT.md §10 ratios are printed and written to <artifacts>/results/section10.md
// (paired.md for --paired).
var quick = args.Contains("--quick");
var medium = args.Contains("--medium");
var rest = args.Where(a => a is not ("--quick" or "--medium" or "--paired")).ToList();
if (args.Contains("--paired"))
{
    int at = rest.IndexOf("--artifacts");
    var artifacts = at >= 0 && at + 1 < rest.Count ? rest[at + 1] : "BenchmarkDotNet.Artifacts";
    return PairedRunner.Run(quick, Path.Combine(artifacts, "results"));
}

if (!rest.Any(a => a is "--filter" or "-f" or "--list" or "--help" or "-h" or "--info" or "--version"))
{
    rest.AddRange(["--filter", "*"]);
}

// --quick runs in process (no process per row) with the fewest iterations that still exercise every row: a smoke run.
var job = quick ? Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithId("Quick")
    : medium ? Job.Default.WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(20).WithId("Medium")
    : Job.Default.WithId("Full");

var config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(StatisticColumn.P95)
    .WithSummaryStyle(DefaultConfig.Instance.SummaryStyle.WithRatioStyle(RatioStyle.Value));

var summaries = BenchmarkSwitcher.FromAssembly(typeof(L1HitBenchmarks).Assembly).Run([.. rest], config).ToList();
return Section10Report.Write(summaries);

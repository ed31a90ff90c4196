using ModelContextProtocol.Client;
using TokenValidation.ApiKeys;

namespace McpServerSample.Tests;

/// <summary>The sample's OpenTelemetry switch, <c>OpenTelemetry:Exporter</c>.</summary>
public sealed class TelemetryTests : IDisposable
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("mcp-sample-otel-").FullName;

    [Fact]
    public async Task ConsoleExporter_PrintsTheLibrarysSpansAndMetrics_AndNeverTheKey()
    {
        var key = ApiKeyGenerator.Generate();
        await using var sample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
        {
            ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "sample.db")}",
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "otel-bot",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = key.Hash,
            ["TokenValidation:ApiKeys:Keys:0:Scopes:0"] = "mcp:tools",
            ["OpenTelemetry:Exporter"] = "console",

            // The standard variable of the metric reader: export every half second instead of every minute.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        }, readyLine: "curl -i ");

        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(sample.Value("MCP endpoint:")),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key.Key },
        };
        await using (var client = await McpClient.CreateAsync(new HttpClientTransport(options)))
        {
            Assert.NotEqual(true, (await client.CallToolAsync("whoami")).IsError);
        }

        // The library's span (a validation filling the cache), its validations counter, and ASP.NET Core's server span.
        Assert.True(await sample.WaitForLineAsync(l => l.Contains("TokenValidation.Fill", StringComparison.Ordinal), ExportWait), sample.Output);
        Assert.True(await sample.WaitForLineAsync(l => l.Contains("tokenvalidation.validations", StringComparison.Ordinal), ExportWait), sample.Output);
        Assert.True(await sample.WaitForLineAsync(l => l.Contains("http.server.request.duration", StringComparison.Ordinal), ExportWait), sample.Output);
        Assert.DoesNotContain(key.Key, sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownExporter_FailsAtStartUpNamingTheKey()
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync(
            "Development",
            new Dictionary<string, string>
            {
                ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "sample.db")}",
                ["OpenTelemetry:Exporter"] = "zipkin",
            },
            "--urls", "http://127.0.0.1:0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("OpenTelemetry:Exporter must be none, console or otlp (got 'zipkin')", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

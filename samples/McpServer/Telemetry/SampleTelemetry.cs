using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TokenValidation.Diagnostics;

namespace McpServerSample.Telemetry;

/// <summary>
/// OpenTelemetry behind one switch, <c>OpenTelemetry:Exporter</c>: <c>none</c> (default), <c>console</c> or <c>otlp</c>
/// (endpoint and headers from the standard <c>OTEL_EXPORTER_OTLP_*</c> variables). Traces and metrics of the library
/// (<see cref="TokenValidationDiagnostics.Name"/>), the MCP SDK, ASP.NET Core and outgoing HTTP calls.
/// </summary>
internal static class SampleTelemetry
{
    public const string ExporterKey = "OpenTelemetry:Exporter";

    // The official MCP SDK's ActivitySource and Meter (ModelContextProtocol.Core's Diagnostics class).
    private const string McpSdkName = "Experimental.ModelContextProtocol";

    public static WebApplicationBuilder AddSampleTelemetry(this WebApplicationBuilder builder)
    {
        string? configured = builder.Configuration[ExporterKey];
        string exporter = string.IsNullOrWhiteSpace(configured) ? "none" : configured.Trim().ToLowerInvariant();
        if (exporter == "none")
        {
            return builder;
        }

        if (exporter is not ("console" or "otlp"))
        {
            throw new InvalidOperationException($"{ExporterKey} must be none, console or otlp (got '{configured}').");
        }

        bool console = exporter == "console";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(TokenValidationDiagnostics.Name, McpSdkName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                _ = console ? tracing.AddConsoleExporter() : tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TokenValidationDiagnostics.Name, McpSdkName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                _ = console ? metrics.AddConsoleExporter() : metrics.AddOtlpExporter();
            });
        return builder;
    }
}

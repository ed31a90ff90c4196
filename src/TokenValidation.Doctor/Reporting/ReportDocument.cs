using System.Text.Json.Serialization;

namespace TokenValidation.Doctor.Reporting;

/// <summary>The <c>--json</c> document.</summary>
internal sealed record ReportDocument(
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("exitCode")] int ExitCode,
    [property: JsonPropertyName("summary")] ReportSummary Summary,
    [property: JsonPropertyName("checks")] IReadOnlyList<ReportCheck> Checks);

using System.Text.Json.Serialization;

namespace TokenValidation.Doctor.Reporting;

/// <summary>The counts of the <c>--json</c> document.</summary>
internal sealed record ReportSummary(
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("warnings")] int Warnings,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("skipped")] int Skipped);

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

/// <summary>The counts of the <c>--json</c> document.</summary>
internal sealed record ReportSummary(
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("warnings")] int Warnings,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("skipped")] int Skipped);

/// <summary>One check in the <c>--json</c> document.</summary>
internal sealed record ReportCheck(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] CheckStatus Status,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("saw")] string Saw,
    [property: JsonPropertyName("fix")] string? Fix,
    [property: JsonPropertyName("target")] string? Target);

using System.Text.Json.Serialization;

namespace TokenValidation.Doctor.Reporting;

/// <summary>One check in the <c>--json</c> document.</summary>
internal sealed record ReportCheck(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] CheckStatus Status,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("saw")] string Saw,
    [property: JsonPropertyName("fix")] string? Fix,
    [property: JsonPropertyName("target")] string? Target);

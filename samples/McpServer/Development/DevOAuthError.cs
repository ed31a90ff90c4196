using System.Text.Json.Serialization;

namespace McpServerSample.Development;

/// <summary>An RFC 6749 §5.2 error answer.</summary>
internal sealed record DevOAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string Description);

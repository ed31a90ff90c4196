using System.Text.Json.Serialization;

namespace McpServerSample.Development;

/// <summary>An RFC 6749 §5.1 token answer.</summary>
internal sealed record DevTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("scope")] string Scope);

using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>The RFC 9728 Protected Resource Metadata document. Absent values and empty arrays are left out (§3.2).</summary>
internal sealed class ProtectedResourceMetadata
{
    [JsonPropertyName("resource")]
    public required string Resource { get; init; }

    [JsonPropertyName("authorization_servers")]
    public string[]? AuthorizationServers { get; init; }

    [JsonPropertyName("scopes_supported")]
    public string[]? ScopesSupported { get; init; }

    [JsonPropertyName("bearer_methods_supported")]
    public string[] BearerMethodsSupported { get; } = ["header"];

    [JsonPropertyName("resource_name")]
    public string? ResourceName { get; init; }

    [JsonPropertyName("resource_documentation")]
    public string? ResourceDocumentation { get; init; }
}

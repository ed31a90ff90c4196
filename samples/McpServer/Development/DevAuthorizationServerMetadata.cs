using System.Text.Json.Serialization;

namespace McpServerSample.Development;

/// <summary>
/// The stand-in's RFC 8414 metadata: only what it implements. The authorization code flow (authorize, registration,
/// PKCE) only when it plays AuthKit's half of Standalone Connect.
/// </summary>
internal sealed record DevAuthorizationServerMetadata(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("userinfo_endpoint")] string UserInfoEndpoint,
    [property: JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported,
    [property: JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported)
{
    /// <summary>The authorization endpoint (Standalone Connect only).</summary>
    [JsonPropertyName("authorization_endpoint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthorizationEndpoint { get; init; }

    /// <summary>The RFC 7591 registration endpoint (Standalone Connect only).</summary>
    [JsonPropertyName("registration_endpoint"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RegistrationEndpoint { get; init; }

    /// <summary>Where the JWT signing keys are (JWT mode only).</summary>
    [JsonPropertyName("jwks_uri"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? JwksUri { get; init; }

    /// <summary><c>code</c> (Standalone Connect only).</summary>
    [JsonPropertyName("response_types_supported"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ResponseTypesSupported { get; init; }

    /// <summary><c>S256</c> (Standalone Connect only).</summary>
    [JsonPropertyName("code_challenge_methods_supported"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? CodeChallengeMethodsSupported { get; init; }

    /// <summary>RFC 9207: the redirect back to the client carries <c>iss</c> (Standalone Connect only).</summary>
    [JsonPropertyName("authorization_response_iss_parameter_supported"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? AuthorizationResponseIssParameterSupported { get; init; }
}

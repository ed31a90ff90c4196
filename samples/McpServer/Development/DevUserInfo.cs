using System.Text.Json.Serialization;

namespace McpServerSample.Development;

/// <summary>The stand-in's userinfo answer, shaped like AuthKit's (plus <c>scope</c>, which the validator reads).</summary>
public sealed record DevUserInfo(
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope);

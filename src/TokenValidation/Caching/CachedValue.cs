using System.Text.Json.Serialization;

namespace TokenValidation.Caching;

/// <summary>The level-2 value of the first (JSON) format, read only so values written before an upgrade still hit; never the token.</summary>
internal sealed class CachedValue
{
    [JsonPropertyName("o")] public TokenValidationOutcome Outcome { get; set; }
    [JsonPropertyName("x")] public long ExpiresAtMs { get; set; }
    [JsonPropertyName("e")] public string? Error { get; set; }
    [JsonPropertyName("d")] public string? Description { get; set; }
    [JsonPropertyName("s")] public string? Subject { get; set; }
    [JsonPropertyName("m")] public string? Email { get; set; }
    [JsonPropertyName("n")] public string? Name { get; set; }
    [JsonPropertyName("p")] public string[]? Scopes { get; set; }
    [JsonPropertyName("c")] public string[]? Claims { get; set; }
    [JsonPropertyName("r")] public string? Source { get; set; }
    [JsonPropertyName("t")] public long? TokenExpiresAtMs { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CachedValue))]
internal sealed partial class CachedValueJsonContext : JsonSerializerContext;

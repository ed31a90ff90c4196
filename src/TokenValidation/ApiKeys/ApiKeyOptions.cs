namespace TokenValidation.ApiKeys;

/// <summary>Options for API keys. Bound from <c>TokenValidation:ApiKeys</c>. Holds hashes, never keys.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The configuration section these options are bound from by default.</summary>
    public const string SectionName = "TokenValidation:ApiKeys";

    /// <summary>Tokens starting with this are API keys. Default <c>wcd_</c>.</summary>
    public string Prefix { get; set; } = "wcd_";

    /// <summary>The keys, each by the SHA-256 of the key. Used by the built-in configuration key store.</summary>
    public IList<ApiKeyDescriptor> Keys { get; set; } = [];
}

namespace TokenValidation.AspNetCore;

/// <summary>Which Protected Resource Metadata URL the challenges' <c>resource_metadata</c> points at.</summary>
public enum ResourceMetadataUrlMode
{
    /// <summary>The root document, <c>https://host/.well-known/oauth-protected-resource</c> (some clients only look there).</summary>
    Root,

    /// <summary>The path-inserted document of RFC 9728 §3.1, <c>https://host/.well-known/oauth-protected-resource/mcp</c>.</summary>
    PathInserted,
}

namespace TokenValidation.AspNetCore.Authorization;

/// <summary>
/// One line of <see cref="McpBearerOptions.ScopeHierarchy"/>: a broader scope and the narrower scopes it implies, for
/// example <c>mcp:admin</c> implies <c>mcp:tools</c>. Implication is transitive. In configuration:
/// <c>"ScopeHierarchy": [ { "Scope": "mcp:admin", "Implies": [ "mcp:tools" ] } ]</c> (an array rather than an object
/// keyed by scope, because a configuration key cannot contain the <c>:</c> most scopes have).
/// </summary>
public sealed class ScopeHierarchyEntry
{
    /// <summary>The broader scope, for example <c>mcp:admin</c>.</summary>
    public string? Scope { get; set; }

    /// <summary>The narrower scopes a token with <see cref="Scope"/> is treated as having, for example <c>mcp:tools</c>.</summary>
    public IList<string> Implies { get; set; } = [];
}

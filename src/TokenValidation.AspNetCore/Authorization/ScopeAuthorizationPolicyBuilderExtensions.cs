using TokenValidation.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Scope requirements for named authorization policies.</summary>
public static class ScopeAuthorizationPolicyBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated caller whose token carries every one of <paramref name="scopes"/>; a caller without them
    /// gets 403 <c>insufficient_scope</c> naming them.
    /// </summary>
    public static AuthorizationPolicyBuilder RequireScopes(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scopes));
    }
}

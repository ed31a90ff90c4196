using Microsoft.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Scope requirements for endpoints.</summary>
public static class ScopeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated caller whose token carries every one of <paramref name="scopes"/> (for example
    /// <c>mcp:tools</c>). Without a token the 401 names these scopes; with a token lacking some, the answer is 403
    /// <c>insufficient_scope</c> naming them plus those the token has.
    /// </summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        // Stryker disable once Statement : RequireAuthorization below throws the same ArgumentNullException for builder.
        ArgumentNullException.ThrowIfNull(builder);
        var policy = new AuthorizationPolicyBuilder().RequireScopes(scopes).Build();
        return builder.RequireAuthorization(policy);
    }
}

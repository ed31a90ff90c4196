using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.Authorization;

/// <summary>
/// Satisfies a <see cref="ScopeRequirement"/> through <see cref="McpBearerOptions.ScopeHierarchy"/>: a token with
/// <c>mcp:admin</c> meets a requirement for <c>mcp:tools</c> when the scheme that validated it declares so. Runs beside
/// the requirement's own exact check (either succeeding is enough), for every policy evaluation, whatever the resource.
/// </summary>
internal sealed class ScopeHierarchyAuthorizationHandler(
    IAuthenticationSchemeProvider schemes,
    IOptionsMonitor<McpBearerOptions> options) : AuthorizationHandler<ScopeRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        HashSet<string>? covered = null;
        foreach (var identity in context.User.Identities)
        {
            // Read first, not bound in the condition: Stryker's || to && mutant would leave a pattern variable unassigned.
            var scheme = identity.AuthenticationType;
            // Stryker disable once Logical : a ClaimsIdentity is authenticated exactly when its AuthenticationType is not empty.
            if (!identity.IsAuthenticated || string.IsNullOrEmpty(scheme))
            {
                continue;
            }

            // Only identities this library's scheme built: its options say what implies what.
            var registered = await schemes.GetSchemeAsync(scheme).ConfigureAwait(false);
            if (registered is null || !typeof(McpBearerHandler).IsAssignableFrom(registered.HandlerType))
            {
                continue;
            }

            var implied = options.Get(scheme).ImpliedScopes;
            if (!implied.IsEmpty)
            {
                implied.Expand(EndpointScopes.Granted(identity), covered ??= new HashSet<string>(StringComparer.Ordinal));
            }
        }

        if (covered is not null && requirement.Scopes.All(covered.Contains))
        {
            context.Succeed(requirement);
        }
    }
}

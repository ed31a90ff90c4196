using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TokenValidation.AspNetCore.Authorization;

/// <summary>
/// Reads the scopes an endpoint requires from its authorization policy, combined the way the authorization middleware
/// combines it, so <c>RequireScopes</c>, named policies and <c>[Authorize(Policy = …)]</c> are all seen. Runs only on
/// the challenge and forbid paths.
/// </summary>
internal static class EndpointScopes
{
    public static async Task<IReadOnlyList<string>> GetRequiredAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var provider = context.RequestServices.GetService<IAuthorizationPolicyProvider>();
        // The authorization middleware lets an anonymous endpoint through whatever its policies say: it requires no scope.
        if (endpoint is null || provider is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return [];
        }

        // An endpoint without authorization data gets the fallback policy from CombineAsync itself, as in the middleware.
        var policy = await AuthorizationPolicy.CombineAsync(
            provider,
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
            endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()).ConfigureAwait(false);
        if (policy is null)
        {
            return [];
        }

        List<string>? scopes = null;
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is ScopeRequirement scoped)
            {
                scopes ??= [];
                foreach (var scope in scoped.Scopes)
                {
                    if (!scopes.Contains(scope, StringComparer.Ordinal))
                    {
                        scopes.Add(scope);
                    }
                }
            }
        }

        return scopes is null ? [] : scopes;
    }

    public static IReadOnlyList<string> Granted(ClaimsPrincipal user)
    {
        var scopes = new List<string>();
        foreach (var identity in user.Identities)
        {
            AddGranted(identity, scopes);
        }

        return scopes;
    }

    public static IReadOnlyList<string> Granted(ClaimsIdentity identity)
    {
        var scopes = new List<string>();
        AddGranted(identity, scopes);
        return scopes;
    }

    /// <summary>
    /// The scopes of <paramref name="required"/> that neither <paramref name="granted"/> nor a broader scope in it
    /// (through <paramref name="implied"/>) covers.
    /// </summary>
    public static string[] Missing(IReadOnlyList<string> required, IReadOnlyList<string> granted, ImpliedScopes implied) =>
        [.. required.Where(s => !implied.Covers(granted, s))];

    private static void AddGranted(ClaimsIdentity identity, List<string> scopes)
    {
        if (!identity.IsAuthenticated)
        {
            return;
        }

        foreach (var claim in identity.FindAll(McpBearerDefaults.ScopeClaimType))
        {
            foreach (var scope in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!scopes.Contains(scope, StringComparer.Ordinal))
                {
                    scopes.Add(scope);
                }
            }
        }
    }
}

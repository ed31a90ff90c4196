using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace TokenValidation.AspNetCore.Authorization;

/// <summary>
/// Requires every one of <see cref="Scopes"/> among the caller's <c>scope</c> claims. Handles itself (like
/// <see cref="Microsoft.AspNetCore.Authorization.Infrastructure.ClaimsAuthorizationRequirement"/>), so it needs no
/// registration; the MCP bearer scheme reads it back from the endpoint's policy to name the scopes in its 401 and 403.
/// Where <c>AddMcpBearer</c> is registered, a broader scope declared in <see cref="McpBearerOptions.ScopeHierarchy"/>
/// also satisfies it (for example <c>mcp:admin</c> for <c>mcp:tools</c>).
/// </summary>
public sealed class ScopeRequirement : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    /// <summary>Creates a requirement for all of <paramref name="scopes"/>.</summary>
    /// <exception cref="ArgumentException">No scope, or a scope that is empty or contains a space, quote or backslash.</exception>
    public ScopeRequirement(params IEnumerable<string> scopes)
    {
        // Stryker disable once Statement : Distinct below throws ArgumentNullException for a null sequence as well.
        ArgumentNullException.ThrowIfNull(scopes);
        string[] list = [.. scopes.Distinct(StringComparer.Ordinal)];
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one scope is required.", nameof(scopes));
        }

        foreach (var scope in list)
        {
            if (!ScopeToken.IsValid(scope))
            {
                throw new ArgumentException($"'{scope}' is not a valid scope (RFC 6749 §3.3: no spaces, quotes or backslashes).", nameof(scopes));
            }
        }

        Scopes = list;
    }

    /// <summary>The scopes the caller must all have.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Whether <paramref name="user"/> carries every scope in <see cref="Scopes"/> itself (no scope hierarchy).</summary>
    public bool IsSatisfiedBy(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var scope in Scopes)
        {
            if (!HasScope(user, scope))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(ScopeRequirement)}: requires scopes {string.Join(' ', Scopes)}";

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        // Stryker disable Statement : the authorization service never passes null here (HandleAsync reads the context first).
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        // Stryker restore Statement
        if (requirement.IsSatisfiedBy(context.User))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    internal static bool HasScope(ClaimsPrincipal user, string scope)
    {
        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            foreach (var claim in identity.Claims)
            {
                if (claim.Type == McpBearerDefaults.ScopeClaimType && ContainsScope(claim.Value, scope))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // One claim per scope here; other schemes put them all in one space-separated claim. No allocation: hot path.
    private static bool ContainsScope(string value, string scope)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            int space = rest.IndexOf(' ');
            // Stryker disable once Equality : at 0 the whole rest starts with a space, so it cannot equal a valid scope either.
            var item = space < 0 ? rest : rest[..space];
            if (item.SequenceEqual(scope))
            {
                return true;
            }

            rest = space < 0 ? [] : rest[(space + 1)..];
        }

        return false;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>The default <see cref="IAuthKitUserFactory"/>: the user from the principal's standard claims.</summary>
internal sealed class ClaimsAuthKitUserFactory : IAuthKitUserFactory
{
    public ValueTask<AuthKitUser?> CreateUserAsync(ClaimsPrincipal principal, HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? id = First(principal, "sub", ClaimTypes.NameIdentifier);
        string? email = First(principal, "email", ClaimTypes.Email);

        // Without both there is nothing AuthKit can create a user from.
        return ValueTask.FromResult(id is null || email is null
            ? null
            : new AuthKitUser(id, email, First(principal, "given_name", ClaimTypes.GivenName), First(principal, "family_name", ClaimTypes.Surname)));
    }

    private static string? First(ClaimsPrincipal principal, string shortType, string longType) =>
        principal.FindFirst(shortType)?.Value is { Length: > 0 } value ? value
        : principal.FindFirst(longType)?.Value is { Length: > 0 } other ? other
        : null;
}

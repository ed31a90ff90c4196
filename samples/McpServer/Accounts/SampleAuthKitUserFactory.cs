using System.Security.Claims;
using TokenValidation.AspNetCore.LoginBridge;

namespace McpServerSample.Accounts;

/// <summary>
/// Who the signed-in user is for AuthKit: the local user id (which AuthKit keeps as the external id), the email, and
/// the display name split into first and last.
/// </summary>
public sealed class SampleAuthKitUserFactory : IAuthKitUserFactory
{
    /// <inheritdoc />
    public ValueTask<AuthKitUser?> CreateUserAsync(ClaimsPrincipal principal, HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        string? email = principal.FindFirstValue(ClaimTypes.Email);
        if (id is null || email is null)
        {
            return ValueTask.FromResult<AuthKitUser?>(null);
        }

        string[] name = (principal.FindFirstValue(ClaimTypes.Name) ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ValueTask.FromResult<AuthKitUser?>(new AuthKitUser(
            id,
            email,
            name.Length > 0 ? name[0] : null,
            name.Length > 1 ? name[1] : null,
            new Dictionary<string, string> { ["signed_up_with"] = "mcp-sample" }));
    }
}

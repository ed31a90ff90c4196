using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// The application hook that says who the signed-in user is for AuthKit. The default reads the principal's claims
/// (<c>sub</c> or <see cref="ClaimTypes.NameIdentifier"/>, <c>email</c>, <c>given_name</c>, <c>family_name</c>);
/// register your own (<c>services.AddScoped&lt;IAuthKitUserFactory, MyFactory&gt;()</c>) to read your database.
/// </summary>
public interface IAuthKitUserFactory
{
    /// <summary>
    /// The user to complete the sign-in as, or <see langword="null"/> when this principal may not connect an MCP
    /// client (the endpoint then answers 403 and calls nothing).
    /// </summary>
    /// <param name="principal">The principal the application's sign-in scheme authenticated.</param>
    /// <param name="context">The Login URI request.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    ValueTask<AuthKitUser?> CreateUserAsync(ClaimsPrincipal principal, HttpContext context, CancellationToken cancellationToken);
}

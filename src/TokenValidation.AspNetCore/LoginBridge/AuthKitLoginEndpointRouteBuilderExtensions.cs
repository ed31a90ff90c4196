using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.AspNetCore.LoginBridge;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the AuthKit Login URI (WorkOS Standalone Connect).</summary>
public static class AuthKitLoginEndpointRouteBuilderExtensions
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Post];

    /// <summary>
    /// Maps the page AuthKit sends a browser to with <c>?external_auth_id=…</c> (configure its full URL as the Login URI
    /// in the WorkOS dashboard). GET: a 400 page for a missing, oversized or malformed id; a challenge of
    /// <see cref="AuthKitLoginOptions.SignInScheme"/> when nobody is signed in (returning to this URL); otherwise a
    /// confirmation page. POST (from that page, antiforgery checked): AuthKit's completion call, then a 302 to the
    /// <c>redirect_uri</c> it returns when that is on the authority's host; a 400 page when AuthKit refuses, 503 with
    /// a retry link when it cannot be reached. Requires <c>services.AddAuthKitLogin(…)</c>.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">The path, for example <c>/login/mcp</c>.</param>
    public static IEndpointConventionBuilder MapAuthKitLogin(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<AuthKitCompletionClient>() is null)
        {
            throw new InvalidOperationException("MapAuthKitLogin needs services.AddAuthKitLogin(builder.Configuration.GetSection(\"TokenValidation\")) first.");
        }

        // Anonymous: the endpoint authenticates the application's own scheme itself and challenges it when needed.
        return endpoints.MapMethods(pattern, Methods, AuthKitLoginEndpoint.HandleAsync)
            .AllowAnonymous()
            .WithDisplayName("AuthKit Login URI");
    }
}

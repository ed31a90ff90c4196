namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// The Login URI endpoint that lets an application with its own users and sign-in act as AuthKit's login page
/// (WorkOS Standalone Connect). Bound from <c>TokenValidation:AuthKitLogin</c>; checked at start-up.
/// </summary>
public sealed class AuthKitLoginOptions
{
    /// <summary>The WorkOS API the completion call goes to. Default <see cref="AuthKitLoginDefaults.ApiBaseUrl"/>.</summary>
    public string ApiBaseUrl { get; set; } = AuthKitLoginDefaults.ApiBaseUrl;

    /// <summary>
    /// The WorkOS API key (<c>sk_…</c>) sent as the completion call's bearer token. Required. Keep it out of
    /// appsettings.json: user-secrets in development, an environment variable
    /// (<c>TokenValidation__AuthKitLogin__ApiKey</c>) or a secret store in production. Never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The AuthKit authority (for example <c>https://your-subdomain.authkit.app</c>): the browser is only ever sent to
    /// a <c>redirect_uri</c> on its host. Default: <c>TokenValidation:AuthKit:Authority</c>.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>
    /// The application's own sign-in scheme: challenged when nobody is signed in, and authenticated to find who is.
    /// Default <see cref="AuthKitLoginDefaults.SignInScheme"/> (<c>Cookies</c>). Never the MCP bearer scheme.
    /// </summary>
    public string SignInScheme { get; set; } = AuthKitLoginDefaults.SignInScheme;

    /// <summary>The application's name on the confirmation page. Default: the host's application name.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>
    /// How long the completion call may take, all attempts included, before the 503 page. Default 10 seconds; at most
    /// 2 minutes.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether http URLs are accepted (set in the Development environment only).</summary>
    internal bool AllowHttp { get; set; }
}

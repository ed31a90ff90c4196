namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>Names and defaults of the AuthKit Login URI endpoint (Standalone Connect).</summary>
public static class AuthKitLoginDefaults
{
    /// <summary>The configuration section under <c>TokenValidation</c>: <c>TokenValidation:AuthKitLogin</c>.</summary>
    public const string SectionName = "AuthKitLogin";

    /// <summary>The WorkOS API that completes a sign-in: <c>https://api.workos.com</c>.</summary>
    public const string ApiBaseUrl = "https://api.workos.com";

    /// <summary>The completion call's path under <see cref="ApiBaseUrl"/>.</summary>
    public const string CompletePath = "/authkit/oauth2/complete";

    /// <summary>The query parameter AuthKit adds to the Login URI.</summary>
    public const string ExternalAuthIdParameter = "external_auth_id";

    /// <summary>
    /// The longest <c>external_auth_id</c> accepted: AuthKit's are about 35 characters (<c>ext_auth_</c> and a ULID),
    /// so this leaves room for a format change without accepting arbitrary input.
    /// </summary>
    public const int MaxExternalAuthIdLength = 256;

    /// <summary>The sign-in scheme challenged by default: the cookie scheme <c>AddCookie()</c> adds.</summary>
    public const string SignInScheme = "Cookies";

    /// <summary>The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client that calls the WorkOS API.</summary>
    public const string HttpClientName = "TokenValidation.AuthKitLogin";
}

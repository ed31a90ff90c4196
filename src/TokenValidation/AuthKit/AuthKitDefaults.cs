namespace TokenValidation.AuthKit;

/// <summary>Default names used by the AuthKit validator.</summary>
public static class AuthKitDefaults
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> used to call AuthKit (see <c>IHttpClientFactory</c>).</summary>
    public const string HttpClientName = "TokenValidation.AuthKit";

    /// <summary>The default access-token prefix.</summary>
    public const string TokenPrefix = "mat_";
}

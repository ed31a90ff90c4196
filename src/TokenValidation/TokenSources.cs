namespace TokenValidation;

/// <summary>Well-known values of <see cref="TokenIdentity.Source"/>.</summary>
public static class TokenSources
{
    /// <summary>An AuthKit (WorkOS) access token checked against the userinfo endpoint.</summary>
    public const string AuthKit = "authkit";

    /// <summary>An API key issued by the server's operators.</summary>
    public const string ApiKey = "api_key";

    /// <summary>A JWT access token checked against the keys of the issuer configured under <c>TokenValidation:Jwt</c>.</summary>
    public const string Jwt = "jwt";

    /// <summary>An opaque access token checked at the introspection endpoint (RFC 7662) configured under <c>TokenValidation:Introspection</c>.</summary>
    public const string Introspection = "introspection";
}

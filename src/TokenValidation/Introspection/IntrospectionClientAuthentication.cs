namespace TokenValidation.Introspection;

/// <summary>How this server authenticates to the introspection endpoint (RFC 6749 §2.3.1).</summary>
public enum IntrospectionClientAuthentication
{
    /// <summary>HTTP Basic with the form-urlencoded client id and secret (<c>client_secret_basic</c>, the default).</summary>
    ClientSecretBasic,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the request body (<c>client_secret_post</c>).</summary>
    ClientSecretPost,
}

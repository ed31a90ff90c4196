namespace TokenValidation;

/// <summary>OAuth 2.0 bearer-token error codes (RFC 6750 §3.1).</summary>
public static class TokenErrors
{
    /// <summary>The request is missing a parameter, repeats one, or is otherwise malformed (HTTP 400).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The token is expired, revoked, malformed or otherwise invalid (HTTP 401).</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>The token lacks a scope the resource requires (HTTP 403).</summary>
    public const string InsufficientScope = "insufficient_scope";
}

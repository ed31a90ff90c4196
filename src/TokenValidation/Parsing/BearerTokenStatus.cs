namespace TokenValidation.Parsing;

/// <summary>What <see cref="BearerTokenReader"/> found in the <c>Authorization</c> header.</summary>
public enum BearerTokenStatus
{
    /// <summary>A well-formed bearer token.</summary>
    Found,

    /// <summary>No <c>Authorization</c> header, or one for another scheme: answer with a challenge that has no <c>error</c>.</summary>
    Missing,

    /// <summary>The header is malformed or repeated: <c>invalid_request</c> (HTTP 400).</summary>
    Malformed,

    /// <summary>The token has characters outside RFC 6750's b64token set or is over the length limit: <c>invalid_token</c> (HTTP 401).</summary>
    InvalidToken,
}

namespace TokenValidation.Parsing;

/// <summary>The result of reading a bearer token from request headers. Its description never contains the token.</summary>
public readonly struct BearerTokenReadResult
{
    internal BearerTokenReadResult(BearerTokenStatus status, string? token, string? description)
    {
        Status = status;
        Token = token;
        ErrorDescription = description;
    }

    /// <summary>What was found.</summary>
    public BearerTokenStatus Status { get; }

    /// <summary>The token, when <see cref="Status"/> is <see cref="BearerTokenStatus.Found"/>.</summary>
    public string? Token { get; }

    /// <summary>Why the header was rejected, safe to send to the client.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The OAuth error code for a rejected header, or <see langword="null"/> when found or missing.</summary>
    public string? Error => Status switch
    {
        BearerTokenStatus.Malformed => TokenErrors.InvalidRequest,
        BearerTokenStatus.InvalidToken => TokenErrors.InvalidToken,
        _ => null,
    };
}

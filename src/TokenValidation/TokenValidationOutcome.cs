namespace TokenValidation;

/// <summary>How a validation ended. Every validation ends in exactly one of these.</summary>
public enum TokenValidationOutcome
{
    /// <summary>The issuer vouched for the token: <see cref="TokenCheckResult.Identity"/> is set.</summary>
    Valid,

    /// <summary>The issuer said no (userinfo answered 400/401/403, unknown or expired API key, malformed token).</summary>
    Invalid,

    /// <summary>We could not find out (timeout, connection failure, 429, 5xx, unreadable answer). Never cached.</summary>
    Unavailable,
}

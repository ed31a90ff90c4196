namespace TokenValidation;

/// <summary>The answer to one validation: <see cref="TokenValidationOutcome.Valid"/> with an identity, or why not.</summary>
public sealed class TokenCheckResult
{
    private TokenCheckResult(TokenValidationOutcome outcome, TokenIdentity? identity, string? error, string? description, TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Identity = identity;
        Error = error;
        ErrorDescription = description;
        RetryAfter = retryAfter;
    }

    /// <summary>How the validation ended.</summary>
    public TokenValidationOutcome Outcome { get; }

    /// <summary>The identity, set exactly when <see cref="Outcome"/> is <see cref="TokenValidationOutcome.Valid"/>.</summary>
    public TokenIdentity? Identity { get; }

    /// <summary>The OAuth error code for a non-valid outcome: <c>invalid_token</c> or <c>invalid_request</c>; <see langword="null"/> when unavailable.</summary>
    public string? Error { get; }

    /// <summary>A short human-readable reason, safe to send to the client (never contains the token).</summary>
    public string? ErrorDescription { get; }

    /// <summary>For <see cref="TokenValidationOutcome.Unavailable"/>: how long the caller should wait, when the upstream said so.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether the outcome is <see cref="TokenValidationOutcome.Valid"/>.</summary>
    public bool IsValid => Outcome == TokenValidationOutcome.Valid;

    /// <summary>A valid outcome for <paramref name="identity"/>.</summary>
    public static TokenCheckResult Valid(TokenIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new(TokenValidationOutcome.Valid, identity, null, null, null);
    }

    /// <summary>The issuer said no: HTTP 401 with <c>error="invalid_token"</c>.</summary>
    public static TokenCheckResult Invalid(string description) =>
        new(TokenValidationOutcome.Invalid, null, TokenErrors.InvalidToken, description, null);

    /// <summary>
    /// Invalid, decided locally before any work worth remembering (a token of no kind this server accepts): not cached,
    /// so a flood of distinct garbage cannot fill the cache.
    /// </summary>
    internal static TokenCheckResult Rejected(string description) =>
        new(TokenValidationOutcome.Invalid, null, TokenErrors.InvalidToken, description, null) { IsCacheable = false };

    /// <summary>Whether the service may cache this outcome (Unavailable never is, whatever this says).</summary>
    internal bool IsCacheable { get; private init; } = true;

    /// <summary>The request itself is malformed: HTTP 400 with <c>error="invalid_request"</c>.</summary>
    public static TokenCheckResult InvalidRequest(string description) =>
        new(TokenValidationOutcome.Invalid, null, TokenErrors.InvalidRequest, description, null);

    /// <summary>
    /// Whether this is the per-client limit on cache misses answering (an <see cref="TokenValidationOutcome.Unavailable"/>
    /// outcome): HTTP 429 with <c>Retry-After</c>, not 503, since the client, not the issuer, should slow down.
    /// </summary>
    public bool IsRateLimited { get; private init; }

    /// <summary>
    /// Too many cache misses from this client (CONTRACT §7): <see cref="TokenValidationOutcome.Unavailable"/> with
    /// <see cref="IsRateLimited"/> set, answered HTTP 429 with <c>Retry-After</c>. Never cached.
    /// </summary>
    public static TokenCheckResult RateLimited(string description, TimeSpan retryAfter) =>
        new(TokenValidationOutcome.Unavailable, null, null, description, retryAfter) { IsRateLimited = true };

    /// <summary>We could not find out: HTTP 503 with <c>Retry-After</c>. Never cached.</summary>
    public static TokenCheckResult Unavailable(string description, TimeSpan? retryAfter = null) =>
        new(TokenValidationOutcome.Unavailable, null, null, description, retryAfter);
}

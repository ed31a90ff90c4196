namespace TokenValidation;

/// <summary>
/// Checks one kind of token with its issuer. Implementations are registered for a prefix (or as the fallback)
/// and are called only on a cache miss, once per token however many requests wait for it.
/// </summary>
public interface ITokenValidator
{
    /// <summary>
    /// Validates <paramref name="token"/>. Return <see cref="TokenCheckResult.Unavailable"/> rather than throwing
    /// when the issuer cannot be reached; an exception is treated as Unavailable.
    /// </summary>
    ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken);
}

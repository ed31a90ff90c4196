using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;

namespace TokenValidation.ApiKeys;

/// <summary>Checks an API key against the <see cref="IApiKeyStore"/> by the SHA-256 of the key.</summary>
internal sealed class ApiKeyValidator(IApiKeyStore store, TimeProvider time, ILogger<ApiKeyValidator> logger) : ITokenValidator
{
    /// <summary>The claim that carries the API key's name.</summary>
    public const string KeyNameClaim = "api_key_name";

    public async ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var key = await store.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            Log.ApiKeyRejected(logger, "(unknown)", TokenHash.FromBytes(hash).ToShortString(), "unknown key");
            return TokenCheckResult.Invalid("The API key is not recognised.");
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            Log.ApiKeyRejected(logger, key.Name, TokenHash.FromBytes(hash).ToShortString(), "expired");
            return TokenCheckResult.Invalid("The API key has expired.");
        }

        return TokenCheckResult.Valid(new TokenIdentity
        {
            Subject = string.IsNullOrEmpty(key.Subject) ? "apikey:" + key.Name : key.Subject,
            Email = key.Email,
            Name = key.Name,
            Scopes = [.. key.Scopes],
            Claims = [new TokenClaim(KeyNameClaim, key.Name)],
            Source = TokenSources.ApiKey,
            ExpiresAt = key.ExpiresAt,
        });
    }
}

namespace TokenValidation.ApiKeys;

/// <summary>
/// Finds API keys by the SHA-256 of the key. Register your own (a database table) with
/// <see cref="TokenValidationBuilder.AddApiKeyStore{TStore}"/>; the default reads <see cref="ApiKeyOptions.Keys"/>.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>
    /// The key whose hash is <paramref name="keyHash"/> (32 bytes), or <see langword="null"/>. Implementations that compare
    /// hashes themselves should use <see cref="System.Security.Cryptography.CryptographicOperations.FixedTimeEquals"/>;
    /// an indexed database lookup by hash is fine, since the hash of a high-entropy key reveals nothing usable.
    /// </summary>
    ValueTask<ApiKeyDescriptor?> FindByHashAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken);
}

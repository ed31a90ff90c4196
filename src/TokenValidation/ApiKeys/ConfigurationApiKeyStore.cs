using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace TokenValidation.ApiKeys;

/// <summary>
/// The default <see cref="IApiKeyStore"/>: the hashes in <see cref="ApiKeyOptions.Keys"/>. Compares against every
/// entry in fixed time, so neither the position nor the existence of a match shows in the timing.
/// </summary>
internal sealed class ConfigurationApiKeyStore : IApiKeyStore
{
    private readonly (byte[] Hash, ApiKeyDescriptor Key)[] _keys;

    public ConfigurationApiKeyStore(IOptions<ApiKeyOptions> options)
    {
        _keys = [.. options.Value.Keys.Select(k => (Convert.FromHexString(k.Hash.Trim()), k))];
    }

    public ValueTask<ApiKeyDescriptor?> FindByHashAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken)
    {
        ApiKeyDescriptor? found = null;
        foreach (var (hash, key) in _keys)
        {
            // No early exit: every entry is compared whatever the outcome.
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash.Span))
            {
                found = key;
            }
        }

        return new(found);
    }
}

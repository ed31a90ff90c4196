using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TokenValidation.ApiKeys;

/// <summary>
/// Mints API keys: a prefix and 32 random bytes (256 bits) in base64url. Give the key to its user once; put only
/// <see cref="ApiKey.Hash"/> in configuration or your key store.
/// </summary>
public static class ApiKeyGenerator
{
    /// <summary>Mints a new key with <paramref name="prefix"/> (default <c>wcd_</c>).</summary>
    public static ApiKey Generate(string prefix = "wcd_")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        string key = prefix + Base64Url.EncodeToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        return new ApiKey(key, ComputeHash(key));
    }

    /// <summary>The SHA-256 of <paramref name="key"/>'s UTF-8 bytes as 64 lowercase hex digits: what configuration holds.</summary>
    public static string ComputeHash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}

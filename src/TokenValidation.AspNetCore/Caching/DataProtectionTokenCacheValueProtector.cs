using Microsoft.AspNetCore.DataProtection;
using TokenValidation.Caching;

namespace TokenValidation.AspNetCore.Caching;

/// <summary>
/// Encrypts and authenticates level-2 cache values with ASP.NET Core Data Protection, each bound to the key it is stored
/// under: the key (namespace, instance name, token hash) is a sub-purpose, so a value copied under another key, or
/// read by another instance, fails to decrypt and is a miss.
/// </summary>
internal sealed class DataProtectionTokenCacheValueProtector(IDataProtectionProvider provider) : ITokenCacheValueProtector
{
    /// <summary>The purpose string; changing it makes every cached value unreadable (a miss, never an error).</summary>
    public const string Purpose = "TokenValidation.Caching.CacheValue.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public byte[] Protect(string key, byte[] plaintext) => _protector.CreateProtector(key).Protect(plaintext);

    public byte[] Unprotect(string key, byte[] protectedData) => _protector.CreateProtector(key).Unprotect(protectedData);
}

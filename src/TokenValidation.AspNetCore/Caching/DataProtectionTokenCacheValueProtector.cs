using Microsoft.AspNetCore.DataProtection;
using TokenValidation.Caching;

namespace TokenValidation.AspNetCore.Caching;

/// <summary>Encrypts and authenticates level-2 cache values with ASP.NET Core Data Protection.</summary>
internal sealed class DataProtectionTokenCacheValueProtector(IDataProtectionProvider provider) : ITokenCacheValueProtector
{
    /// <summary>The purpose string; changing it makes every cached value unreadable (a miss, never an error).</summary>
    public const string Purpose = "TokenValidation.Caching.CacheValue.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public byte[] Protect(byte[] plaintext) => _protector.Protect(plaintext);

    public byte[] Unprotect(byte[] protectedData) => _protector.Unprotect(protectedData);
}

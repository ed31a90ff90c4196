namespace TokenValidation.Caching;

/// <summary>
/// Encrypts level-2 cache values, for operators who will not keep user data in the distributed cache in the clear.
/// The ASP.NET Core package supplies one over Data Protection.
/// </summary>
public interface ITokenCacheValueProtector
{
    /// <summary>Encrypts and authenticates <paramref name="plaintext"/>.</summary>
    byte[] Protect(byte[] plaintext);

    /// <summary>Decrypts <paramref name="protectedData"/>; throws when it was tampered with or made with another key.</summary>
    byte[] Unprotect(byte[] protectedData);
}

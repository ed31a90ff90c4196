namespace TokenValidation.Caching;

/// <summary>
/// Encrypts level-2 cache values, for operators who will not keep user data in the distributed cache in the clear.
/// The ASP.NET Core package supplies one over Data Protection.
/// </summary>
/// <remarks>
/// A value must be bound to the key it is stored under (for example by making the key part of the
/// purpose or of the authenticated data): anyone who can write to the cache could otherwise copy a valid user's value
/// under another token's key and have that token accepted as the user.
/// </remarks>
public interface ITokenCacheValueProtector
{
    /// <summary>Encrypts and authenticates <paramref name="plaintext"/> for storage under <paramref name="key"/>.</summary>
    /// <param name="key">The full level-2 key (namespace, instance name and token hash) the value is written under.</param>
    /// <param name="plaintext">The serialized value.</param>
    byte[] Protect(string key, byte[] plaintext);

    /// <summary>
    /// Decrypts <paramref name="protectedData"/> read from <paramref name="key"/>; throws when it was tampered with, made
    /// with another key ring, or protected for another key.
    /// </summary>
    /// <param name="key">The full level-2 key the value was read from.</param>
    /// <param name="protectedData">The stored value.</param>
    byte[] Unprotect(string key, byte[] protectedData);
}

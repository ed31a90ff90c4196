namespace TokenValidation.ApiKeys;

/// <summary>A freshly minted API key and the hash to configure for it.</summary>
/// <param name="Key">The key itself: shown to its user once, never stored.</param>
/// <param name="Hash">The SHA-256 of the key, 64 lowercase hex digits: goes into <see cref="ApiKeyDescriptor.Hash"/>.</param>
public sealed record ApiKey(string Key, string Hash);

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>What the metadata cache has for a request: the document, and when there is none, how long until it tries again.</summary>
/// <param name="Document">The document (possibly a stale copy), or <see langword="null"/>.</param>
/// <param name="RetryAfter">How long the last failure is remembered, when the last fetch failed.</param>
internal readonly record struct MetadataAnswer(byte[]? Document, TimeSpan? RetryAfter);

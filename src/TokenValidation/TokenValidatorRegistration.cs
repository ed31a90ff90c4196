namespace TokenValidation;

/// <summary>
/// A validator and the prefixes it answers for; a <see langword="null"/> prefix marks the fallback. Prefixes are read
/// from the container when the routes are built, so a registration never forces another options class to validate
/// while this one is being configured (which would report that class's errors twice).
/// </summary>
internal sealed record TokenValidatorRegistration(
    Func<IServiceProvider, IReadOnlyList<string?>> Prefixes,
    Func<IServiceProvider, ITokenValidator> Factory,
    string Name)
{
    /// <summary>What makes two registrations one (the same <c>Add…</c> called twice), or <see langword="null"/>.</summary>
    public object? Identity { get; init; }

    /// <summary>
    /// The validator answers from this process (an API key lookup): it needs no upstream slot, and its negative answers
    /// are not written to level 2.
    /// </summary>
    public bool IsLocal { get; init; }

    public static TokenValidatorRegistration ForPrefix(string? prefix, Func<IServiceProvider, ITokenValidator> factory, string name) =>
        new(_ => [prefix], factory, name);
}

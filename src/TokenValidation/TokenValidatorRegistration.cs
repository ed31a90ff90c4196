namespace TokenValidation;

/// <summary>A validator type and the prefix it answers for; a <see langword="null"/> prefix marks the fallback.</summary>
internal sealed record TokenValidatorRegistration(string? Prefix, Func<IServiceProvider, ITokenValidator> Factory, string Name);

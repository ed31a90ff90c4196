namespace TokenValidation;

/// <summary>The registrations expanded to one entry per prefix, and what is wrong with them.</summary>
internal static class TokenValidatorRoutes
{
    public static List<(string? Prefix, TokenValidatorRegistration Registration)> Expand(TokenValidationOptions options, IServiceProvider services) =>
        [.. options.Validators.SelectMany(r => r.Prefixes(services).Select(p => (p, r)))];

    public static IEnumerable<string> Problems(IEnumerable<(string? Prefix, TokenValidatorRegistration Registration)> routes)
    {
        foreach (var group in routes.Where(r => r.Prefix is not null).GroupBy(r => r.Prefix, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"Token prefix '{group.Key}' is claimed by more than one validator: {string.Join(", ", group.Select(r => r.Registration.Name))}.";
        }

        var fallbacks = routes.Where(r => r.Prefix is null).ToList();
        if (fallbacks.Count > 1)
        {
            yield return $"More than one fallback validator is registered: {string.Join(", ", fallbacks.Select(r => r.Registration.Name))}.";
        }
    }
}

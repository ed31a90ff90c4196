using Microsoft.Extensions.Options;
using TokenValidation.DependencyInjection;

namespace TokenValidation.Jwt;

/// <summary>Checks <see cref="JwtOptions"/> at start-up; every message names the configuration key to fix.</summary>
internal sealed class JwtOptionsValidator(string sectionPath, IOptions<TokenValidationOptions> validation) : IValidateOptions<JwtOptions>
{
    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    };

    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var errors = new List<string>();
        string key = sectionPath + ":Jwt";
        Add(errors, ConfigurationUrl.Check(key + ":Issuer", options.Issuer, options.AllowHttp));
        Add(errors, ConfigurationUrl.Check(key + ":JwksUri", options.JwksUri, options.AllowHttp, required: false));
        foreach (var algorithm in options.AllowedAlgorithms)
        {
            if (!AsymmetricAlgorithms.Contains(algorithm))
            {
                errors.Add($"{key}:AllowedAlgorithms may hold only asymmetric signature algorithms ({string.Join(", ", AsymmetricAlgorithms)}); '{algorithm}' is refused (never 'none', never HMAC with a published key).");
            }
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{key}:ClockSkew must be between 0 and 00:05:00 (got {options.ClockSkew}).");
        }

        if (options.KeyRefreshInterval < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{key}:KeyRefreshInterval must be at least 00:01:00 (got {options.KeyRefreshInterval}).");
        }

        if (options.MinimumKeyRefreshInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{key}:MinimumKeyRefreshInterval must be at least 00:00:01 (got {options.MinimumKeyRefreshInterval}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:Timeout must be positive (got {options.Timeout}).");
        }

        if (options.MaxResponseBytes < 256)
        {
            errors.Add($"{key}:MaxResponseBytes must be at least 256 (got {options.MaxResponseBytes}).");
        }

        if (options.RequireAudience && string.IsNullOrWhiteSpace(validation.Value.Resource) && !options.Audiences.Any(a => !string.IsNullOrWhiteSpace(a)))
        {
            errors.Add($"{sectionPath}:Resource (or {key}:Audiences) is required: a JWT must name this server among its audiences (RFC 8707). Set {key}:RequireAudience to false only if the issuer cannot put an audience in its tokens.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.DependencyInjection;

namespace TokenValidation.Introspection;

/// <summary>
/// Checks <see cref="IntrospectionOptions"/> at start-up; every message names the configuration key to fix and none
/// carries the client secret.
/// </summary>
/// <param name="sectionPath">The core section's path, usually <c>TokenValidation</c>.</param>
/// <param name="resource">Reads <see cref="TokenValidationOptions.Resource"/> without validating those options (see <see cref="UnvalidatedResource"/>).</param>
internal sealed class IntrospectionOptionsValidator(string sectionPath, Func<string?> resource) : IValidateOptions<IntrospectionOptions>
{
    public ValidateOptionsResult Validate(string? name, IntrospectionOptions options)
    {
        var errors = new List<string>();
        string key = sectionPath + ":Introspection";
        Add(errors, ConfigurationUrl.Check(key + ":Issuer", options.Issuer, options.AllowHttp));
        Add(errors, ConfigurationUrl.Check(key + ":Endpoint", options.Endpoint, options.AllowHttp, required: false));
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{key}:ClientId is required: the client id this server authenticates with at the introspection endpoint.");
        }

        if (string.IsNullOrEmpty(options.ClientSecret))
        {
            errors.Add($"{key}:ClientSecret is required: the client secret this server authenticates with at the introspection endpoint (keep it in a secret store, not in appsettings).");
        }
        else if (options.ClientSecret.Trim() != options.ClientSecret)
        {
            // The value itself is never echoed.
            errors.Add($"{key}:ClientSecret has leading or trailing whitespace (a newline or space copied with the value).");
        }

        if (!Enum.IsDefined(options.ClientAuthentication))
        {
            errors.Add($"{key}:ClientAuthentication must be ClientSecretBasic or ClientSecretPost.");
        }

        if (options.TokenPrefix is { } prefix && (prefix.Length == 0 || prefix.Trim() != prefix))
        {
            errors.Add($"{key}:TokenPrefix must be a non-empty prefix without whitespace, or not set (introspection is then the fallback for unprefixed tokens).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:Timeout must be positive (got {options.Timeout}).");
        }

        if (options.MaxResponseBytes < 256)
        {
            errors.Add($"{key}:MaxResponseBytes must be at least 256 (got {options.MaxResponseBytes}).");
        }

        if (options.RequireAudience && string.IsNullOrWhiteSpace(resource()) && !options.Audiences.Any(a => !string.IsNullOrWhiteSpace(a)))
        {
            errors.Add($"{sectionPath}:Resource (or {key}:Audiences) is required: an introspected token must name this server among its audiences (RFC 8707). Set {key}:RequireAudience to false only if the authorization server puts no aud in its answers.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// The configured resource, read without running <see cref="TokenValidationOptions"/>' validators: those expand the
    /// routes, which read these options, which would validate again (endless recursion under the options lock).
    /// </summary>
    public static string? UnvalidatedResource(IServiceProvider services) =>
        new OptionsFactory<TokenValidationOptions>(
            services.GetServices<IConfigureOptions<TokenValidationOptions>>(),
            services.GetServices<IPostConfigureOptions<TokenValidationOptions>>())
        .Create(Options.DefaultName).Resource;

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}

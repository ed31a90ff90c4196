using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Authorization;
using TokenValidation.DependencyInjection;

namespace TokenValidation.AspNetCore;

/// <summary>Start-up checks of <see cref="McpBearerOptions"/>, with messages that name the configuration key at fault.</summary>
internal sealed class McpBearerOptionsValidator(
    string scheme,
    string sectionPath,
    IHostEnvironment? environment,
    IServiceProviderIsService? services) : IValidateOptions<McpBearerOptions>
{
    public ValidateOptionsResult Validate(string? name, McpBearerOptions options)
    {
        if (!string.Equals(name, scheme, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        bool allowHttp = environment?.IsDevelopment() == true;
        string resourceKey = sectionPath + ":Resource";
        var resourceError = ConfigurationUrl.Check(resourceKey, options.Resource, allowHttp);
        if (resourceError is not null)
        {
            errors.Add(resourceError);
        }
        else
        {
            CheckCanonical(errors, resourceKey, options.Resource!);
        }

        Add(errors, ConfigurationUrl.Check(sectionPath + ":ResourceDocumentation", options.ResourceDocumentation, allowHttp, required: false));
        for (int i = 0; i < options.Scopes.Count; i++)
        {
            if (!ScopeToken.IsValid(options.Scopes[i]))
            {
                errors.Add($"{sectionPath}:Scopes:{i} must be a scope token without spaces, quotes or backslashes (got '{options.Scopes[i]}').");
            }
        }

        CheckAllowedOrigin(errors, sectionPath + ":AllowedOrigin", options.AllowedOrigin);
        if (options.AuthorizationServerMetadataCacheLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{sectionPath}:AuthorizationServerMetadataCacheLifetime must be positive (got {options.AuthorizationServerMetadataCacheLifetime}).");
        }

        if (services is not null && !services.IsService(typeof(ITokenValidationService)))
        {
            errors.Add($"The {scheme} scheme needs token validation: call services.AddTokenValidation(configuration.GetSection(\"{sectionPath}\")).AddAuthKit() as well.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // Clients compare the published resource with the URL they call character by character.
    private static void CheckCanonical(List<string> errors, string key, string value)
    {
        var parsed = Metadata.ProtectedResourceUrl.TryParse(value);
        if (parsed is null)
        {
            return;
        }

        if (parsed.Origin != parsed.Origin.ToLowerInvariant())
        {
            errors.Add($"{key} must have a lowercase scheme and host, as clients compare it character by character (got '{value}').");
        }

        if (parsed.Origin.IndexOf('@', StringComparison.Ordinal) >= 0)
        {
            errors.Add($"{key} must not contain user information (got '{value}').");
        }

        if (parsed.Path.EndsWith('/'))
        {
            errors.Add($"{key} must not end with '/': write the URL exactly as clients call it, such as https://mcp.example.com/mcp (got '{value}').");
        }
    }

    private static void CheckAllowedOrigin(List<string> errors, string key, string? value)
    {
        if (string.IsNullOrEmpty(value) || value == "*")
        {
            return;
        }

        var error = ConfigurationUrl.Check(key, value, allowHttp: true);
        if (error is not null)
        {
            errors.Add(error);
        }
        else if (Metadata.ProtectedResourceUrl.TryParse(value) is { Path.Length: > 0 })
        {
            errors.Add($"{key} must be '*' or an origin without a path, such as https://app.example.com (got '{value}').");
        }
    }

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}

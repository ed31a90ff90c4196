using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Authorization;
using TokenValidation.AspNetCore.Challenges;
using TokenValidation.DependencyInjection;

namespace TokenValidation.AspNetCore;

/// <summary>
/// Start-up checks of <see cref="McpBearerOptions"/>, with messages that name the configuration key at fault; what is
/// allowed but probably unintended is logged as a warning instead.
/// </summary>
internal sealed partial class McpBearerOptionsValidator(
    string scheme,
    string sectionPath,
    IHostEnvironment? environment,
    IServiceProviderIsService? services,
    ILogger? logger = null) : IValidateOptions<McpBearerOptions>
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
            else if (logger is not null && BearerChallenge.IsOfflineAccess(options.Scopes[i]))
            {
                OfflineAccessConfigured(logger, $"{sectionPath}:Scopes:{i}");
            }
        }

        CheckScopeHierarchy(errors, sectionPath + ":ScopeHierarchy", options);

        CheckAllowedOrigin(errors, sectionPath + ":AllowedOrigin", options.AllowedOrigin);
        if (options.AuthorizationServerMetadataCacheLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{sectionPath}:AuthorizationServerMetadataCacheLifetime must be positive (got {options.AuthorizationServerMetadataCacheLifetime}).");
        }

        if (services is not null && !services.IsService(typeof(ITokenValidationService)))
        {
            errors.Add($"The {scheme} scheme needs token validation: call services.AddTokenValidation(configuration.GetSection(\"{sectionPath}\")).AddAuthKit() as well.");
        }

        // Stryker disable once Conditional : a Fail with no messages is no failure either (the options factory throws only for messages).
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

        // Stryker disable once Equality : an origin starts with its scheme, so '@' is never at 0.
        if (parsed.Origin.IndexOf('@', StringComparison.Ordinal) >= 0)
        {
            errors.Add($"{key} must not contain user information (got '{value}').");
        }

        if (parsed.Path.EndsWith('/'))
        {
            errors.Add($"{key} must not end with '/': write the URL exactly as clients call it, such as https://mcp.example.com/mcp (got '{value}').");
        }
    }

    private static void CheckScopeHierarchy(List<string> errors, string key, McpBearerOptions options)
    {
        for (int i = 0; i < options.ScopeHierarchy.Count; i++)
        {
            var entry = options.ScopeHierarchy[i];
            if (!ScopeToken.IsValid(entry?.Scope))
            {
                errors.Add($"{key}:{i}:Scope must be a scope token without spaces, quotes or backslashes, such as mcp:admin (got '{entry?.Scope}').");
                continue;
            }

            if (entry!.Implies is not { Count: > 0 })
            {
                errors.Add($"{key}:{i}:Implies must name at least one scope that {entry.Scope} implies, such as mcp:tools.");
                continue;
            }

            for (int j = 0; j < entry.Implies.Count; j++)
            {
                if (!ScopeToken.IsValid(entry.Implies[j]))
                {
                    errors.Add($"{key}:{i}:Implies:{j} must be a scope token without spaces, quotes or backslashes (got '{entry.Implies[j]}').");
                }
            }
        }

        foreach (var scope in options.ImpliedScopes.Cyclic)
        {
            errors.Add($"{key} makes {scope} imply itself: a hierarchy goes from broader to narrower scopes, remove one of the entries of the cycle.");
        }
    }

    [LoggerMessage(120, LogLevel.Warning, "{Key} is offline_access: it is left out of scopes_supported and every challenge, because it asks the authorization server for a refresh token rather than granting anything on this resource. Remove it from the configuration.")]
    private static partial void OfflineAccessConfigured(ILogger logger, string key);

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

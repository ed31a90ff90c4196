using Microsoft.Extensions.Options;
using TokenValidation.DependencyInjection;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>Start-up checks of <see cref="AuthKitLoginOptions"/>; each message names the key at fault and never echoes the API key.</summary>
internal sealed class AuthKitLoginOptionsValidator(string sectionPath) : IValidateOptions<AuthKitLoginOptions>
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    public ValidateOptionsResult Validate(string? name, AuthKitLoginOptions options)
    {
        var errors = new List<string>();
        string? apiBase = ConfigurationUrl.Check(sectionPath + ":ApiBaseUrl", options.ApiBaseUrl, options.AllowHttp);
        if (apiBase is not null)
        {
            errors.Add(apiBase);
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            errors.Add($"{sectionPath}:ApiKey is required: the WorkOS API key (sk_…) that calls POST {AuthKitLoginDefaults.CompletePath}. "
                + $"Keep it in a secret store or an environment variable ({sectionPath.Replace(":", "__", StringComparison.Ordinal)}__ApiKey), not in appsettings.json.");
        }
        else if (options.ApiKey.Trim() != options.ApiKey || options.ApiKey.Any(char.IsControl))
        {
            errors.Add($"{sectionPath}:ApiKey has whitespace or control characters around or in it (a newline copied with the value); the key itself is not shown.");
        }

        string? authority = ConfigurationUrl.Check(sectionPath + ":Authority", options.Authority, options.AllowHttp);
        if (authority is not null)
        {
            errors.Add(authority + " It defaults to TokenValidation:AuthKit:Authority, your AuthKit domain (for example https://your-subdomain.authkit.app).");
        }

        if (string.IsNullOrWhiteSpace(options.SignInScheme))
        {
            errors.Add($"{sectionPath}:SignInScheme is required: the application's own sign-in scheme, for example Cookies.");
        }
        else if (string.Equals(options.SignInScheme, McpBearerDefaults.AuthenticationScheme, StringComparison.Ordinal))
        {
            errors.Add($"{sectionPath}:SignInScheme must be the scheme people sign in to the application with (for example Cookies), not the MCP bearer scheme: a browser has no bearer token.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            errors.Add($"{sectionPath}:Timeout must be more than 0 and at most {MaxTimeout} (got {options.Timeout}).");
        }

        // Stryker disable once Conditional : a Fail with no messages is no failure either (the options factory throws only for messages).
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

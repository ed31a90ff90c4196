using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.DependencyInjection;

/// <summary>
/// The core's <see cref="TokenValidationOptions.Resource"/> (the audience JWT and introspection validators require)
/// defaults to the scheme's <see cref="McpBearerOptions.Resource"/>, so an app that configures the resource in code
/// states it once.
/// </summary>
internal sealed class ResourceFromBearerOptions(string scheme, IOptionsMonitor<McpBearerOptions> bearerOptions) : IPostConfigureOptions<TokenValidationOptions>
{
    public void PostConfigure(string? name, TokenValidationOptions options)
    {
        if (!string.IsNullOrEmpty(options.Resource))
        {
            return;
        }

        try
        {
            options.Resource = bearerOptions.Get(scheme).Resource;
        }
        catch (OptionsValidationException)
        {
            // The bearer options' own start-up validation reports this, naming the key.
        }
    }
}

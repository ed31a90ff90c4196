using Microsoft.Extensions.Options;
using TokenValidation.Caching;

namespace TokenValidation.AspNetCore.DependencyInjection;

/// <summary>
/// Defaults the cache's instance name to the resource URL, so two MCP servers sharing one Redis never read each other's
/// identities, scopes or local user ids (CONTRACT §7).
/// </summary>
internal sealed class ResourceCacheInstanceName(string scheme, IOptionsMonitor<McpBearerOptions> bearerOptions) : IPostConfigureOptions<TokenCacheOptions>
{
    public void PostConfigure(string? name, TokenCacheOptions options)
    {
        if (!string.IsNullOrEmpty(options.InstanceName))
        {
            return;
        }

        try
        {
            options.InstanceName = bearerOptions.Get(scheme).Resource;
        }
        catch (OptionsValidationException)
        {
            // The bearer options' own start-up validation reports this, naming the key.
        }
    }
}

using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Metadata;

namespace TokenValidation.AspNetCore;

/// <summary>Completes <see cref="McpBearerOptions"/> after configuration: derives the metadata URLs from the resource.</summary>
internal sealed class McpBearerPostConfigureOptions : IPostConfigureOptions<McpBearerOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, McpBearerOptions options)
    {
        // Stryker disable once Statement : the options factory never passes null options.
        ArgumentNullException.ThrowIfNull(options);

        // Invalid values resolve to null; start-up validation then names the key.
        options.ResolvedResource = ProtectedResourceUrl.TryParse(options.Resource);
    }
}

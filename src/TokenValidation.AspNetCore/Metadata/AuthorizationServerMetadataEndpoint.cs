using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Cors;
using TokenValidation.AuthKit;

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>
/// Answers <c>/.well-known/oauth-authorization-server</c> on the MCP server's origin for clients that look only there:
/// a 308 to the authority's own document, or a cached copy of it.
/// </summary>
internal sealed class AuthorizationServerMetadataEndpoint(string scheme)
{
    public const string AllowedMethods = "GET, HEAD, OPTIONS";

    public async Task HandleAsync(HttpContext context)
    {
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            CorsHeaders.WritePreflight(context, AllowedMethods);
            return;
        }

        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(scheme);
        var response = context.Response;
        var metadataUrl = ProtectedResourceUrl.WellKnownUrl(services.GetService<IOptions<AuthKitOptions>>()?.Value.Authority, McpBearerDefaults.AuthorizationServerMetadataPath);
        if (metadataUrl is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        CorsHeaders.ApplyToMetadata(response);
        if (options.AuthorizationServerMetadataMode == AuthorizationServerMetadataMode.Redirect)
        {
            // 308 rather than 301/302: clients must not turn the request into anything but the same GET.
            response.StatusCode = StatusCodes.Status308PermanentRedirect;
            response.Headers.Location = metadataUrl;
            return;
        }

        var cache = services.GetRequiredService<AuthorizationServerMetadataCache>();
        var (document, retryAfter) = await cache.GetAsync(metadataUrl, options.AuthorizationServerMetadataCacheLifetime, context.RequestAborted).ConfigureAwait(false);
        if (document is null)
        {
            // The real remaining wait: no fetch is made before then.
            var seconds = Math.Max(1, (long)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(AuthorizationServerMetadataCache.DefaultRetryDelaySeconds)).TotalSeconds));
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = document.Length;
        response.Headers.CacheControl = "public, max-age=" + ((long)options.AuthorizationServerMetadataCacheLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(document, context.RequestAborted).ConfigureAwait(false);
        }
    }
}

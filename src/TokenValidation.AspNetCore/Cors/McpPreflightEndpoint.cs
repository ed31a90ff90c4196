using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.Cors;

/// <summary>
/// Answers a browser's CORS preflight of the MCP endpoint (<c>OPTIONS</c>) with 204 and what the Streamable HTTP
/// transport needs: the methods, the request headers (<c>Authorization</c>, <c>Mcp-Session-Id</c>,
/// <c>MCP-Protocol-Version</c>, …) and <c>WWW-Authenticate</c> among the exposed ones. Any other method the MCP
/// endpoint does not map is 405, as routing would answer it.
/// </summary>
internal sealed class McpPreflightEndpoint(string scheme)
{
    public const string AllowedMethods = "GET, POST, DELETE, OPTIONS";
    public const string AllowedHeaders = "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID";
    public const string ExposedHeaders = "WWW-Authenticate, Retry-After, Mcp-Session-Id, MCP-Protocol-Version";

    public Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.Allow = AllowedMethods;
        if (!HttpMethods.IsOptions(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status204NoContent;
        var origin = context.RequestServices.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(scheme).AllowedOrigin;
        if (string.IsNullOrEmpty(origin))
        {
            // No origin configured: the application's CORS policy answers for the MCP endpoint.
            return Task.CompletedTask;
        }

        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowMethods = AllowedMethods;
        headers.AccessControlAllowHeaders = AllowedHeaders;
        headers.AccessControlExposeHeaders = ExposedHeaders;
        headers.AccessControlMaxAge = "86400";
        return Task.CompletedTask;
    }
}

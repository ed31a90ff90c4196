using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenValidation.AspNetCore;
using TokenValidation.AspNetCore.Cors;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CORS preflight of an MCP endpoint, for MCP clients that run in a browser.</summary>
public static class McpPreflightEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Answers <c>OPTIONS <paramref name="pattern"/></c> (a browser's CORS preflight) anonymously with 204,
    /// <c>Access-Control-Allow-Origin</c> (<see cref="McpBearerOptions.AllowedOrigin"/>, default <c>*</c>),
    /// <c>Access-Control-Allow-Methods: GET, POST, DELETE, OPTIONS</c>, <c>Access-Control-Allow-Headers</c> with
    /// <c>Authorization</c>, <c>Mcp-Session-Id</c> and <c>MCP-Protocol-Version</c>, and
    /// <c>Access-Control-Expose-Headers</c> with <c>WWW-Authenticate</c>. Without it, routing answers the preflight 405
    /// and a browser client never reads the 401 that starts its authorization. Call it beside <c>MapMcp(pattern)</c>;
    /// an application CORS policy on the MCP endpoint (<c>RequireCors</c>) takes precedence. Methods the MCP endpoint
    /// does not map still get 405.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The MCP endpoint's route pattern, as given to <c>MapMcp</c>.</param>
    /// <param name="authenticationScheme">The MCP bearer scheme whose <see cref="McpBearerOptions.AllowedOrigin"/> applies.</param>
    public static IEndpointConventionBuilder MapMcpPreflight(this IEndpointRouteBuilder endpoints, string pattern, string authenticationScheme = McpBearerDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var endpoint = new McpPreflightEndpoint(authenticationScheme);

        // Any method, accepting preflight: routing sends a preflight (whatever method it announces) here when no
        // endpoint of that method accepts one, and prefers the MCP endpoint's own methods for every actual request.
        return endpoints.Map(pattern, endpoint.HandleAsync)
            .WithMetadata(new HttpMethodMetadata([], acceptCorsPreflight: true))
            .WithDisplayName("MCP CORS preflight")
            .AllowAnonymous();
    }
}

using TokenValidation.AspNetCore;
using TokenValidation.AspNetCore.Mcp;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-tool scope step-up for the endpoints <c>MapMcp()</c> maps.</summary>
public static class McpToolScopeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Checks the scopes of each <c>tools/call</c> before the MCP server runs it: when the called tool's
    /// <c>[Authorize]</c> policy requires scopes (<c>RequireScopes</c>) that the caller's token lacks — a broader scope
    /// declared in <c>McpBearerOptions.ScopeHierarchy</c> counts — the answer is HTTP 403 with
    /// <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="…", resource_metadata="…"</c> from the MCP bearer
    /// scheme, naming the scopes needed and those the token has, which MCP clients answer by asking the user for them.
    /// Use it as <c>app.MapMcp("/mcp").RequireAuthorization().RequireToolScopes()</c>.
    /// </summary>
    /// <remarks>
    /// The tool is looked up by the name in the JSON-RPC body (read once with buffering, then left for the MCP server)
    /// among the tools registered with the SDK (<c>WithTools</c>, <c>McpServerOptions.ToolCollection</c>). Only scope
    /// requirements are decided here; the rest of the tool's policy, unknown tools and malformed bodies are left to the
    /// SDK (<c>AddAuthorizationFilters()</c>), which answers them inside the JSON-RPC response.
    /// </remarks>
    /// <param name="builder">The builder <c>MapMcp</c> returned.</param>
    /// <param name="authenticationScheme">The MCP bearer scheme that writes the 401 and 403; default <see cref="McpBearerDefaults.AuthenticationScheme"/>.</param>
    public static TBuilder RequireToolScopes<TBuilder>(this TBuilder builder, string authenticationScheme = McpBearerDefaults.AuthenticationScheme)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"RequireToolScopes() needs an endpoint with a request delegate, such as those MapMcp() maps (got '{endpoint.DisplayName}').");
            var stepUp = new ToolScopeStepUp(endpoint.ApplicationServices, authenticationScheme);
            endpoint.RequestDelegate = context => stepUp.InvokeAsync(context, next);
        });
        return builder;
    }
}

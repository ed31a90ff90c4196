using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using TokenValidation.AspNetCore;
using TokenValidation.AspNetCore.Authorization;

namespace McpServerSample.Mcp;

/// <summary>
/// Per-tool authorization for the one <c>/mcp</c> endpoint: a <c>tools/call</c> is checked against the
/// <c>[Authorize]</c> attributes of the tool it names, before the MCP server sees it, so a caller without the tool's
/// scope gets HTTP 403 <c>insufficient_scope</c> from the bearer scheme — the answer MCP clients step up on — rather
/// than a tool error inside a 200.
/// </summary>
internal sealed class McpToolAuthorization(McpServerOptions serverOptions, IAuthorizationPolicyProvider policies, IAuthorizationService authorization)
{
    /// <summary>Whether the request may go on; when not, the 403 has been written.</summary>
    public async ValueTask<bool> AuthorizeAsync(HttpContext context, JsonRpcMessage message)
    {
        // The tool is read from the body, not from the Mcp-Name header newer clients also send: the body is what the
        // server will run.
        if (message is not JsonRpcRequest { Method: RequestMethods.ToolsCall, Params: JsonObject parameters }
            || parameters["name"] is not JsonValue nameValue
            || !nameValue.TryGetValue(out string? name)
            || serverOptions.ToolCollection is not { } tools
            || !tools.TryGetPrimitive(name, out var tool))
        {
            // Not a tool call, or an unknown tool: the MCP server answers that itself.
            return true;
        }

        var policy = await AuthorizationPolicy.CombineAsync(policies, tool.Metadata.OfType<IAuthorizeData>());
        if (policy is null || (await authorization.AuthorizeAsync(context.User, tool, policy)).Succeeded)
        {
            return true;
        }

        var properties = new AuthenticationProperties();
        properties.SetParameter(McpBearerDefaults.RequiredScopesParameter, policy.Requirements.OfType<ScopeRequirement>().SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal).ToArray());
        await context.ForbidAsync(McpBearerDefaults.AuthenticationScheme, properties);
        return false;
    }
}

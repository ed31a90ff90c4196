using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using TokenValidation.AspNetCore.Authorization;

namespace TokenValidation.AspNetCore.Mcp;

/// <summary>
/// Runs in front of one MCP endpoint: finds the tool a <c>tools/call</c> names, and when its policy's scope requirements
/// are not met, answers through the bearer scheme (403 <c>insufficient_scope</c>, or 401 without a token) instead of
/// calling the endpoint.
/// </summary>
internal sealed partial class ToolScopeStepUp
{
    private readonly string _scheme;
    private readonly IOptions<McpServerOptions> _serverOptions;
    private readonly IAuthorizationPolicyProvider _policies;
    private readonly ILogger _logger;

    public ToolScopeStepUp(IServiceProvider services, string scheme)
    {
        _scheme = scheme;
        _serverOptions = services.GetService<IOptions<McpServerOptions>>()
            ?? throw new InvalidOperationException("RequireToolScopes() needs the MCP server: call builder.Services.AddMcpServer().WithHttpTransport() first.");
        _policies = services.GetService<IAuthorizationPolicyProvider>()
            ?? throw new InvalidOperationException("RequireToolScopes() needs authorization: call builder.Services.AddAuthorization() (AddMcpBearer does).");
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ToolScopeStepUp).FullName!);
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(context.Request.Method)
            || _serverOptions.Value.ToolCollection is not { } tools
            || !tools.Any(RequiresAuthorization))
        {
            // Nothing to check: the body is not even read.
            await next(context).ConfigureAwait(false);
            return;
        }

        string? name = await ToolCallReader.ReadToolNameAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (name is null || !tools.TryGetPrimitive(name, out var tool) || !RequiresAuthorization(tool))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string[] scopes = await RequiredScopesAsync(tool).ConfigureAwait(false);
        if (scopes.Length == 0)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        // Scopes only: evaluated through IAuthorizationService, so the scope hierarchy and any other handler of
        // ScopeRequirement take part; the tool's other requirements stay with the SDK's own filter.
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var policy = new AuthorizationPolicyBuilder().AddRequirements(new ScopeRequirement(scopes)).Build();
        if ((await authorization.AuthorizeAsync(context.User, tool, policy).ConfigureAwait(false)).Succeeded)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!context.User.Identities.Any(i => i.IsAuthenticated))
        {
            await context.ChallengeAsync(_scheme).ConfigureAwait(false);
            return;
        }

        ToolCallRefused(_logger, name, string.Join(' ', scopes));
        var properties = new AuthenticationProperties();
        properties.SetParameter(McpBearerDefaults.RequiredScopesParameter, scopes);
        await context.ForbidAsync(_scheme, properties).ConfigureAwait(false);
    }

    // What the SDK's authorization filters look at: [AllowAnonymous] anywhere wins, else any authorization metadata.
    private static bool RequiresAuthorization(McpServerTool tool)
    {
        var metadata = tool.Metadata;
        return !metadata.Any(m => m is IAllowAnonymous)
            && metadata.Any(m => m is IAuthorizeData or AuthorizationPolicy or IAuthorizationRequirementData);
    }

    /// <summary>Every scope the tool's combined policy requires, in the order declared.</summary>
    private async Task<string[]> RequiredScopesAsync(McpServerTool tool)
    {
        var metadata = tool.Metadata;
        var policy = await AuthorizationPolicy.CombineAsync(_policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>()).ConfigureAwait(false);
        var requirements = (policy?.Requirements ?? []).Concat(metadata.OfType<IAuthorizationRequirementData>().SelectMany(d => d.GetRequirements()));
        return [.. requirements.OfType<ScopeRequirement>().SelectMany(r => r.Scopes).Distinct(StringComparer.Ordinal)];
    }

    [LoggerMessage(1, LogLevel.Debug, "tools/call {Tool} refused before it ran: the token lacks some of the scopes {RequiredScopes}")]
    private static partial void ToolCallRefused(ILogger logger, string tool, string requiredScopes);
}

using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Server;

namespace TokenValidation.AspNetCore.Tests.StepUp;

/// <summary>The tools of <see cref="StepUpApp"/>: one open, one per kind of policy. Each counts its runs.</summary>
public sealed class StepUpTools
{
    public const string ToolsPolicy = "tools";
    public const string PublishPolicy = "publish";
    public const string RolePolicy = "role";

    private StepUpTools()
    {
    }

    [McpServerTool(Name = "echo")]
    [Description("Needs only authentication.")]
    public static string Echo(ClaimsPrincipal user, ToolRuns runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        runs.Add("echo");
        return user?.FindFirst("sub")?.Value ?? "";
    }

    [McpServerTool(Name = "add_note")]
    [Description("Needs mcp:tools.")]
    [Authorize(Policy = ToolsPolicy)]
    public static string AddNote(string text, ToolRuns runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        runs.Add("add_note");
        return "saved: " + text;
    }

    [McpServerTool(Name = "publish")]
    [Description("Needs mcp:tools and notes:write.")]
    [Authorize(Policy = PublishPolicy)]
    public static string Publish(ToolRuns runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        runs.Add("publish");
        return "published";
    }

    [McpServerTool(Name = "purge")]
    [Description("Needs a role, not a scope.")]
    [Authorize(Policy = RolePolicy)]
    public static string Purge(ToolRuns runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        runs.Add("purge");
        return "purged";
    }
}

using ModelContextProtocol.Server;

namespace TokenValidation.LoadHost;

/// <summary>The trivial tool both MCP applications serve (mode mcp): the cost measured is the endpoint's, not the tool's.</summary>
internal sealed class HelloTool
{
    // Not static only because a static class cannot be WithTools' type argument.
    private HelloTool()
    {
    }

    /// <summary>Answers "hello".</summary>
    /// <returns>The text.</returns>
    [McpServerTool(Name = "hello", ReadOnly = true)]
    public static string Hello() => "hello";
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore.Mcp;

/// <summary>Reads which tool a JSON-RPC <c>tools/call</c> names, leaving the body to be read again by the MCP server.</summary>
internal static class ToolCallReader
{
    private const string ToolsCall = "tools/call";

    /// <summary>The tool's name, or null when the body is not a <c>tools/call</c> request (the MCP server answers that).</summary>
    public static async Task<string?> ReadToolNameAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("method", out var method)
                && method.ValueKind == JsonValueKind.String
                && method.ValueEquals(ToolsCall)
                && root.TryGetProperty("params", out var parameters)
                && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("name", out var name)
                && name.ValueKind == JsonValueKind.String)
            {
                return name.GetString();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}

namespace TokenValidation.Doctor.Wire;

/// <summary>The JSON-RPC messages the doctor sends, and the headers of MCP Streamable HTTP.</summary>
internal static class McpMessages
{
    /// <summary>The protocol revision asked for in <c>initialize</c>.</summary>
    public const string ProtocolVersion = "2025-11-25";

    /// <summary>The <c>initialize</c> request (id 1).</summary>
    public const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcp-auth-doctor","version":"1.0"}}}""";

    /// <summary>The <c>notifications/initialized</c> notification.</summary>
    public const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    /// <summary>The <c>tools/list</c> request (id 2).</summary>
    public const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""";

    /// <summary>The session header a stateful server returns on <c>initialize</c>.</summary>
    public const string SessionHeader = "Mcp-Session-Id";

    /// <summary>The header carrying the negotiated revision on every request after <c>initialize</c>.</summary>
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";

    /// <summary>The Accept header Streamable HTTP clients send on POST.</summary>
    public static IReadOnlyDictionary<string, string> PostHeaders(string? sessionId = null, string? protocolVersion = null)
    {
        var headers = new Dictionary<string, string> { ["Accept"] = "application/json, text/event-stream" };
        if (sessionId is not null)
        {
            headers[SessionHeader] = sessionId;
        }

        if (protocolVersion is not null)
        {
            headers[ProtocolVersionHeader] = protocolVersion;
        }

        return headers;
    }
}

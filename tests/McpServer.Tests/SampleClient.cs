using ModelContextProtocol.Client;

namespace McpServerSample.Tests;

/// <summary>The official MCP client over Streamable HTTP against any running sample, with a bearer token.</summary>
internal static class SampleClient
{
    /// <summary>Connects to <paramref name="mcpUrl"/> sending <paramref name="token"/>; through <paramref name="http"/> when given.</summary>
    public static Task<McpClient> ConnectAsync(string mcpUrl, string token, HttpClient? http = null)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(mcpUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        };
        var transport = http is null ? new HttpClientTransport(options) : new HttpClientTransport(options, http, ownsHttpClient: false);
        return McpClient.CreateAsync(transport);
    }
}

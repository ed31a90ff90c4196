using System.Net;

namespace McpServerSample.Tests.Cors;

/// <summary>A browser MCP client's CORS preflight of the sample's MCP endpoint: 204 with what the transport needs.</summary>
[Collection(DevSampleCollection.Name)]
public sealed class McpPreflightTests(DevSampleFixture fixture)
{
    [Fact]
    public async Task A_browser_preflight_of_the_mcp_endpoint_gets_204_with_the_cors_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, fixture.McpUrl);
        request.Headers.Add("Origin", "https://inspector.example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, mcp-protocol-version, mcp-session-id");

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET, POST, DELETE, OPTIONS", Header(response, "Access-Control-Allow-Methods"));
        var allowed = Header(response, "Access-Control-Allow-Headers").Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("Authorization", allowed);
        Assert.Contains("Mcp-Session-Id", allowed);
        Assert.Contains("MCP-Protocol-Version", allowed);
        Assert.Contains("Content-Type", allowed);
        Assert.Contains("WWW-Authenticate", Header(response, "Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_plain_options_request_gets_the_same_204()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, fixture.McpUrl);

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task A_method_the_mcp_endpoint_does_not_serve_is_still_405(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), fixture.McpUrl);

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";
}

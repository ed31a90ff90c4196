using System.Net;

namespace McpServerSample.Tests;

/// <summary>
/// The sample against any standard authorization server, switched by configuration alone: the official MCP client
/// calls a tool with a JWT the server signed and with an opaque token it introspects, and is refused with a token
/// issued for another resource.
/// </summary>
public sealed class ExternalIssuerTests(ExternalIssuerFixture fixture) : IClassFixture<ExternalIssuerFixture>
{
    private const string OtherResource = "https://other.example.test/mcp";

    [Fact]
    public async Task ExternalIssuerConfigured_DevelopmentStandInIsNotStarted()
    {
        var sample = fixture.JwtSample;
        using var http = new HttpClient();

        Assert.DoesNotContain(sample.Lines, l => l.Contains("AuthKit stand-in", StringComparison.Ordinal));
        Assert.DoesNotContain("Token for", sample.Output, StringComparison.Ordinal);
        using var metadata = await http.GetAsync(sample.Origin + "/.well-known/oauth-authorization-server/dev-authkit");
        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
        using var token = await http.PostAsync(sample.Origin + "/dev-authkit/oauth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]));
        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
    }

    [Fact]
    public async Task JwtFromTheConfiguredIssuer_ClientCallsBothTools_SourceJwt()
    {
        var sample = fixture.JwtSample;
        string mcpUrl = sample.Value("MCP endpoint:");
        string token = fixture.Server.CreateAccessToken("user-jwt-1", audience: mcpUrl);

        await using var client = await SampleClient.ConnectAsync(mcpUrl, token);
        var me = (await client.CallToolAsync("whoami")).StructuredContent!.Value;
        Assert.Equal("user-jwt-1", me.GetProperty("subject").GetString());
        Assert.Equal("jwt", me.GetProperty("source").GetString());
        Assert.Equal(["mcp:tools"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var note = await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "written with an external JWT" });
        Assert.NotEqual(true, note.IsError);

        // Checked locally against the published keys: nothing was introspected.
        Assert.Equal(0, fixture.Server.IntrospectionCalls);
        Assert.DoesNotContain(token, sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtForAnotherResource_ClientGets401InvalidToken()
    {
        var sample = fixture.JwtSample;
        string token = fixture.Server.CreateAccessToken("user-jwt-2", audience: OtherResource);

        await AssertRefusedAsync(sample.Value("MCP endpoint:"), token, sample.Value("Protected Resource Metadata:"));
    }

    [Fact]
    public async Task IntrospectedToken_ClientCallsBothTools_SourceIntrospection_OneIntrospectionForAllCalls()
    {
        var sample = fixture.IntrospectionSample;
        string token = "opaque-" + Guid.NewGuid().ToString("N");
        fixture.Server.AddActiveToken(token, "user-introspected-1", ExternalIssuerFixture.ProductionResource);
        int before = fixture.Server.IntrospectionCalls;

        await using (var client = await SampleClient.ConnectAsync(sample.Origin + "/mcp", token))
        {
            Assert.Equal(2, (await client.ListToolsAsync()).Count);
            for (int i = 0; i < 3; i++)
            {
                var me = (await client.CallToolAsync("whoami")).StructuredContent!.Value;
                Assert.Equal("user-introspected-1", me.GetProperty("subject").GetString());
                Assert.Equal("introspection", me.GetProperty("source").GetString());
                Assert.Equal(["mcp:tools"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
            }

            var note = await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "written with an introspected token" });
            Assert.NotEqual(true, note.IsError);
        }

        // Every request of the session authenticated; the answer was cached after the first.
        Assert.Equal(1, fixture.Server.IntrospectionCalls - before);
        Assert.DoesNotContain(token, sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntrospectedTokenForAnotherResource_ClientGets401InvalidToken()
    {
        var sample = fixture.IntrospectionSample;
        string token = "opaque-" + Guid.NewGuid().ToString("N");
        fixture.Server.AddActiveToken(token, "user-introspected-2", OtherResource);

        await AssertRefusedAsync(sample.Origin + "/mcp", token, sample.Value("Protected Resource Metadata:"));
    }

    private static async Task AssertRefusedAsync(string mcpUrl, string token, string metadataUrl)
    {
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => SampleClient.ConnectAsync(mcpUrl, token, http));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"The token was not issued for this resource.\", scope=\"mcp:tools\", resource_metadata=\"{metadataUrl}\"",
            recorder.First(HttpStatusCode.Unauthorized).WwwAuthenticate);
    }
}

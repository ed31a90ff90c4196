using System.Net;
using System.Text.Json;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace McpServerSample.Tests;

/// <summary>
/// The official MCP client against the sample: with a <c>mat_</c> token and with a <c>wcd_</c> key, without a token,
/// without the scope. Both ways a client can start: the latest revision (<c>server/discover</c>, no handshake) and the
/// <c>initialize</c> handshake of 2025-11-25, which most clients speak today.
/// </summary>
[Collection(DevSampleCollection.Name)]
public sealed class McpClientTests(DevSampleFixture fixture)
{
    public static TheoryData<string?> ProtocolVersions => [null, "2025-11-25"];

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task AuthKitToken_ConnectsListsToolsAndCallsBoth(string? protocolVersion)
    {
        await using var client = await fixture.ConnectAsync(fixture.Token, protocolVersion: protocolVersion);

        Assert.Equal("TokenValidation sample", client.ServerInfo?.Name);
        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        var tools = await client.ListToolsAsync();
        Assert.Equal(["add_note", "whoami"], tools.Select(t => t.Name).Order());

        var whoami = await client.CallToolAsync("whoami");
        Assert.NotEqual(true, whoami.IsError);
        var me = whoami.StructuredContent!.Value;
        Assert.Equal("user_01DEVELOPMENT0000000000000", me.GetProperty("subject").GetString());
        Assert.Equal("dev@example.com", me.GetProperty("email").GetString());
        Assert.Equal("authkit", me.GetProperty("source").GetString());
        Assert.True(Guid.TryParse(me.GetProperty("localUserId").GetString(), out _));
        Assert.Equal(["mcp:tools"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var note = await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "written with a mat_ token" });
        Assert.NotEqual(true, note.IsError);
        Assert.True(note.StructuredContent!.Value.GetProperty("noteId").GetInt32() > 0);
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task ApiKey_ConnectsListsToolsAndCallsBoth(string? protocolVersion)
    {
        await using (var client = await fixture.ConnectAsync(fixture.ToolsKey.Key, protocolVersion: protocolVersion))
        {
            Assert.Equal(2, (await client.ListToolsAsync()).Count);

            var me = (await client.CallToolAsync("whoami")).StructuredContent!.Value;
            Assert.Equal("apikey:ci-bot", me.GetProperty("subject").GetString());
            Assert.Equal("api_key", me.GetProperty("source").GetString());
            Assert.Equal(["mcp:tools"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

            // Only AuthKit users are mapped to local users by default: an API key is a service, not a sign-up.
            Assert.Equal(JsonValueKind.Null, me.GetProperty("localUserId").ValueKind);

            var note = await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "written with a wcd_ key" });
            Assert.NotEqual(true, note.IsError);
        }

        // The key reached the server on every request; it must appear nowhere in its output.
        Assert.DoesNotContain(fixture.ToolsKey.Key, fixture.Sample.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoToken_ClientGetsThe401()
    {
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => fixture.ConnectAsync(null, http));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(fixture.MissingTokenChallenge, recorder.First(HttpStatusCode.Unauthorized).WwwAuthenticate);
    }

    [Fact]
    public async Task NoToken_ClientWithOAuth_FollowsTheResourceMetadataOfThe401()
    {
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        IReadOnlyList<Uri>? offered = null;
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(fixture.McpUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                ClientId = "sample-tests",
                RedirectUri = new Uri("http://127.0.0.1:1/callback"),

                // Stop before the interactive login: the stand-in has none.
                AuthServerSelector = servers =>
                {
                    offered = servers;
                    return null;
                },
            },
        };

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await McpClient.CreateAsync(new HttpClientTransport(options, http, ownsHttpClient: false));
        });

        // The 401 of the contract, then the document its resource_metadata names, then its authorization server.
        var challenge = recorder.First(HttpStatusCode.Unauthorized);
        Assert.Equal(fixture.MissingTokenChallenge, challenge.WwwAuthenticate);
        Assert.Contains(recorder.Exchanges, e => e.Method == "GET" && e.Url.ToString() == fixture.MetadataUrl && e.Status == HttpStatusCode.OK);
        Assert.Equal([fixture.Authority], offered!.Select(u => u.OriginalString));
    }

    [Theory]
    [InlineData("wcd_ key without scopes")]
    [InlineData("mat_ token without scopes")]
    public async Task NoScope_ScopedToolAnswers403(string credential)
    {
        string token = credential.StartsWith("wcd_", StringComparison.Ordinal) ? fixture.NoScopeKey.Key : await fixture.MintTokenAsync(scope: "");
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        await using var client = await fixture.ConnectAsync(token, http);

        // Authentication is enough to connect and for whoami ...
        var me = (await client.CallToolAsync("whoami")).StructuredContent!.Value;
        Assert.Empty(me.GetProperty("scopes").EnumerateArray());

        // ... not for add_note: HTTP 403 insufficient_scope, before the tool runs.
        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "refused" }));
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("Insufficient scope", error.Message, StringComparison.Ordinal);
        Assert.Equal(fixture.InsufficientScopeChallenge, recorder.First(HttpStatusCode.Forbidden).WwwAuthenticate);
    }
}

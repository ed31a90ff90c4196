using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;
using static TokenValidation.AspNetCore.Tests.Infrastructure.Http;

namespace TokenValidation.AspNetCore.Tests.StepUp;

/// <summary>
/// <c>RequireToolScopes()</c> on the official SDK's <c>MapMcp</c> (CONTRACT §8): a <c>tools/call</c> whose tool needs
/// scopes the token lacks is HTTP 403 <c>insufficient_scope</c> naming them, before the tool runs.
/// </summary>
public sealed class ToolScopeStepUpTests : IClassFixture<AuthKitFixture>
{
    private const string McpUrl = "http://localhost/mcp";
    private readonly AuthKitStandIn _authKit;

    public ToolScopeStepUpTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    public static TheoryData<string?> ProtocolVersions => [null, "2025-11-25"];

    [Fact]
    public async Task A_tool_call_without_the_tools_scope_is_403_insufficient_scope_and_the_tool_does_not_run()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);

        using var response = await CallAsync(app, Token("notes:read"), "add_note", """{"text":"hi"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools notes:read\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("WWW-Authenticate", response.Header("Access-Control-Expose-Headers"));
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal(JsonRpcError("Insufficient scope: this endpoint requires mcp:tools."), await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Runs.All);
    }

    [Fact]
    public async Task The_403_names_every_scope_the_tool_needs_in_one_challenge_then_those_the_token_has()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);

        using var response = await CallAsync(app, Token("mcp:tools"), "publish", "{}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools notes:write\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
        Assert.Empty(app.Runs.All);
    }

    [Fact]
    public async Task With_the_scope_the_tool_runs()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);

        using var response = await CallAsync(app, Token("mcp:tools"), "add_note", """{"text":"hi"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("saved: hi", (string)ReadEvent(await response.Content.ReadAsStringAsync())["result"]!["content"]![0]!["text"]!);
        Assert.Equal(["add_note"], app.Runs.All);
    }

    [Fact]
    public async Task A_broader_scope_declared_in_the_hierarchy_is_enough()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);

        using var response = await CallAsync(app, Token("mcp:admin"), "add_note", """{"text":"by an admin"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["add_note"], app.Runs.All);
    }

    [Fact]
    public async Task An_api_key_without_the_scope_gets_the_same_403()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);

        // The configured key carries mcp:tools; publish needs notes:write too.
        using var response = await CallAsync(app, McpTestApp.ApiKey.Key, "publish", "{}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools notes:write\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Open_tools_unknown_tools_and_policies_without_scopes_are_left_to_the_sdk()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);
        string token = Token("");

        using (var open = await CallAsync(app, token, "echo", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        using (var unknown = await CallAsync(app, token, "no_such_tool", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
            Assert.Equal(-32602, (int)ReadEvent(await unknown.Content.ReadAsStringAsync())["error"]!["code"]!);
        }

        // A role is not something a client can step up to: the SDK's own authorization filter refuses inside the answer.
        using (var role = await CallAsync(app, token, "purge", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, role.StatusCode);
            Assert.Null(role.Header("WWW-Authenticate"));
            Assert.NotNull(ReadEvent(await role.Content.ReadAsStringAsync())["error"]);
        }

        Assert.Equal(["echo"], app.Runs.All);
    }

    [Fact]
    public async Task A_body_that_is_not_json_reaches_the_sdk_untouched()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);

        using var response = await PostAsync(app, Token("mcp:tools"), "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Without_RequireToolScopes_the_same_call_is_refused_inside_a_200_that_clients_cannot_step_up_on()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority, requireToolScopes: false);

        using var response = await CallAsync(app, Token("notes:read"), "add_note", """{"text":"hi"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Empty(app.Runs.All);
    }

    [Fact]
    public async Task On_an_endpoint_open_to_anonymous_callers_a_scoped_tool_without_a_token_gets_the_401_challenge()
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority, requireAuthorization: false);
        using var http = new HttpClient(app.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, McpUrl)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_note","arguments":{"text":"hi"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{McpTestApp.RootMetadataUrl}\", scope=\"mcp:tools mcp:resources\"", response.Header("WWW-Authenticate"));
        Assert.Empty(app.Runs.All);
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task The_official_client_sees_the_403_and_its_challenge_and_keeps_working(string? protocolVersion)
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);
        using var recorder = new ChallengeRecorder(app.CreateHandler());
        using var http = new HttpClient(recorder);
        await using var client = await ConnectAsync(http, Token("notes:read"), protocolVersion);

        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "refused" }));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("Insufficient scope", error.Message, StringComparison.Ordinal);
        var (_, challenge) = Assert.Single(recorder.Answers, a => a.Status == HttpStatusCode.Forbidden);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"mcp:tools notes:read\", resource_metadata=\"{McpTestApp.RootMetadataUrl}\"", challenge);
        Assert.Empty(app.Runs.All);

        // The refusal is about one tool: the session goes on.
        Assert.NotEqual(true, (await client.CallToolAsync("echo")).IsError);
        Assert.Equal(["echo"], app.Runs.All);
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task The_official_client_with_the_scope_calls_the_tool(string? protocolVersion)
    {
        await using var app = await StepUpApp.StartAsync(_authKit.Authority);
        using var http = new HttpClient(app.CreateHandler());
        await using var client = await ConnectAsync(http, Token("mcp:tools"), protocolVersion);

        var result = await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "allowed" });

        Assert.NotEqual(true, result.IsError);
        Assert.Equal(["add_note"], app.Runs.All);
    }

    /// <summary>A fresh AuthKit token whose userinfo grants <paramref name="scope"/> (space-separated; empty for none).</summary>
    private string Token(string scope)
    {
        string token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_" + Guid.NewGuid().ToString("N")[..8], extra: new { scope });
        return token;
    }

    private static Task<McpClient> ConnectAsync(HttpClient http, string token, string? protocolVersion)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(McpUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        };
        return McpClient.CreateAsync(new HttpClientTransport(options, http, ownsHttpClient: false), new McpClientOptions { ProtocolVersion = protocolVersion });
    }

    private static Task<HttpResponseMessage> CallAsync(StepUpApp app, string token, string tool, string arguments) =>
        PostAsync(app, token, $$$"""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""");

    private static async Task<HttpResponseMessage> PostAsync(StepUpApp app, string token, string body)
    {
        using var http = new HttpClient(app.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, McpUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The one JSON-RPC message of a server-sent-events answer.</summary>
    private static JsonObject ReadEvent(string body)
    {
        var data = body.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal));
        return JsonNode.Parse(data["data: ".Length..])!.AsObject();
    }
}

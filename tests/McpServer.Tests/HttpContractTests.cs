using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServerSample.Tests;

/// <summary>The sample's HTTP answers, byte for byte where the contract fixes them, with a plain <see cref="HttpClient"/>.</summary>
[Collection(DevSampleCollection.Name)]
public sealed class HttpContractTests(DevSampleFixture fixture)
{
    private const string EventStreamAndJson = "application/json, text/event-stream";

    [Fact]
    public async Task PrintedCurl_Gets200_AndWithoutItsToken_The401()
    {
        var curl = CurlCommand.Parse(fixture.CurlLine);
        Assert.Equal(fixture.McpUrl, curl.Url.OriginalString);
        Assert.Contains(new KeyValuePair<string, string>("Authorization", "Bearer " + fixture.Token), curl.Headers);

        using (var response = await fixture.Http.SendAsync(curl.ToRequest()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var result = ReadEvent(await response.Content.ReadAsStringAsync());
            Assert.Equal(1, (int)result["id"]!);
            Assert.Equal("TokenValidation sample", (string)result["result"]!["serverInfo"]!["name"]!);
            Assert.Equal("2025-11-25", (string)result["result"]!["protocolVersion"]!);
        }

        using (var response = await fixture.Http.SendAsync(curl.ToRequest(withAuthorization: false)))
        {
            await AssertContractErrorAsync(response, HttpStatusCode.Unauthorized, fixture.MissingTokenChallenge);
        }
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task NoToken_AnyMethod_Gets401BeforeMethodDispatch(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), fixture.McpUrl);
        request.Headers.Accept.ParseAdd(EventStreamAndJson);
        if (method == "POST")
        {
            request.Content = JsonRpc("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        }

        using var response = await fixture.Http.SendAsync(request);

        await AssertContractErrorAsync(response, HttpStatusCode.Unauthorized, fixture.MissingTokenChallenge);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task WithToken_GetAndDelete_Are405_TheServerIsStateless(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), fixture.McpUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token);
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task InvalidToken_Gets401InvalidToken()
    {
        using var response = await PostAsync("mat_NotIssuedByTheStandIn", """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");

        await AssertContractErrorAsync(
            response,
            HttpStatusCode.Unauthorized,
            $"Bearer error=\"invalid_token\", error_description=\"The access token is invalid, expired or revoked.\", scope=\"mcp:tools\", resource_metadata=\"{fixture.MetadataUrl}\"");
    }

    [Fact]
    public async Task ScopedTool_WithoutTheScope_Gets403InsufficientScope_WithIt200()
    {
        const string call = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add_note","arguments":{"text":"hi"}}}""";

        using (var refused = await PostAsync(fixture.NoScopeKey.Key, call))
        {
            await AssertContractErrorAsync(refused, HttpStatusCode.Forbidden, fixture.InsufficientScopeChallenge);
        }

        // The same token is fine for the tool that needs no scope.
        using (var allowed = await PostAsync(fixture.NoScopeKey.Key, """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using (var withScope = await PostAsync(fixture.ToolsKey.Key, call))
        {
            Assert.Equal(HttpStatusCode.OK, withScope.StatusCode);
            var answer = ReadEvent(await withScope.Content.ReadAsStringAsync());
            Assert.Equal(7, (int)answer["id"]!);
            Assert.NotEqual(true, (bool?)answer["result"]!["isError"]);
        }
    }

    [Fact]
    public async Task ScopedTool_KeyWithAnotherScope_403NamesTheNeededScopeThenTheGrantedOnes()
    {
        using var response = await PostAsync(fixture.OtherScopeKey.Key, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_note","arguments":{"text":"x"}}}""");

        // Needed first, then what the token has: a step-up that asks for this keeps what was already granted.
        await AssertContractErrorAsync(
            response,
            HttpStatusCode.Forbidden,
            $"Bearer error=\"insufficient_scope\", scope=\"mcp:tools notes:read\", resource_metadata=\"{fixture.MetadataUrl}\"");
    }

    [Theory]
    [InlineData("")]
    [InlineData("/mcp")]
    public async Task ProtectedResourceMetadata_NamesTheEndpointAndTheStandIn(string pathInsertion)
    {
        using var response = await fixture.Http.GetAsync(fixture.MetadataUrl + pathInsertion);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(fixture.McpUrl, (string)document!["resource"]!);
        Assert.Equal([fixture.Authority], document["authorization_servers"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["mcp:tools"], document["scopes_supported"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["header"], document["bearer_methods_supported"]!.AsArray().Select(s => (string)s!));
    }

    [Fact]
    public async Task AuthorizationServerMetadata_RedirectsToTheStandIn_WhoseIssuerIsTheAuthority()
    {
        var origin = new Uri(fixture.McpUrl).GetLeftPart(UriPartial.Authority);
        using var redirect = await fixture.Http.GetAsync(origin + "/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
        Assert.Equal(origin + "/.well-known/oauth-authorization-server/dev-authkit", redirect.Headers.Location?.OriginalString);

        var metadata = await fixture.Http.GetFromJsonAsync<JsonObject>(redirect.Headers.Location);
        Assert.Equal(fixture.Authority, (string)metadata!["issuer"]!);
        Assert.Equal(fixture.Authority + "/oauth/userinfo", (string)metadata["userinfo_endpoint"]!);
    }

    [Fact]
    public async Task FindOrCreate_TwoTokensOfOneUser_AreOneLocalUser()
    {
        string first = await LocalUserIdAsync(fixture.Token);
        string second = await LocalUserIdAsync(await fixture.MintTokenAsync(scope: "mcp:tools"));

        Assert.True(Guid.TryParse(first, out _));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task UnknownTool_IsTheMcpServersOwnError_NotAnAuthorizationAnswer()
    {
        using var response = await PostAsync(fixture.NoScopeKey.Key, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ReadEvent(await response.Content.ReadAsStringAsync());
        Assert.Equal(-32602, (int)answer["error"]!["code"]!);
    }

    private async Task<string> LocalUserIdAsync(string token)
    {
        using var response = await PostAsync(token, """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ReadEvent(await response.Content.ReadAsStringAsync());
        return (string)answer["result"]!["structuredContent"]!["localUserId"]!;
    }

    private async Task<HttpResponseMessage> PostAsync(string token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.McpUrl) { Content = JsonRpc(json) };
        request.Headers.Accept.ParseAdd(EventStreamAndJson);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.Http.SendAsync(request);
    }

    private static StringContent JsonRpc(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The one JSON-RPC message of a server-sent-events answer.</summary>
    private static JsonObject ReadEvent(string body)
    {
        var data = body.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal));
        return JsonNode.Parse(data["data: ".Length..])!.AsObject();
    }

    private static async Task AssertContractErrorAsync(HttpResponseMessage response, HttpStatusCode status, string challenge)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(challenge, Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("WWW-Authenticate", string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(["jsonrpc", "id", "error"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("id").ValueKind);
        Assert.Equal(-32001, root.GetProperty("error").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("error").GetProperty("message").GetString()));
    }
}

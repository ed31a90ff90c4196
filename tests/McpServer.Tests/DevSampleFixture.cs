using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using TokenValidation.ApiKeys;

namespace McpServerSample.Tests;

/// <summary>
/// One sample process as <c>dotnet run</c> starts it: Development, no AuthKit configured (so the in-process stand-in),
/// plus API keys configured by hash: one with <c>mcp:tools</c>, one without any scope, one with another scope.
/// </summary>
public sealed class DevSampleFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mcp-sample-tests-").FullName;
    private SampleProcess? _sample;

    /// <summary>An API key granting <c>mcp:tools</c>.</summary>
    public ApiKey ToolsKey { get; } = ApiKeyGenerator.Generate();

    /// <summary>An API key granting no scope.</summary>
    public ApiKey NoScopeKey { get; } = ApiKeyGenerator.Generate();

    /// <summary>An API key granting only <c>notes:read</c>, a scope no tool needs.</summary>
    public ApiKey OtherScopeKey { get; } = ApiKeyGenerator.Generate();

    /// <summary>The running sample.</summary>
    public SampleProcess Sample => _sample ?? throw new InvalidOperationException("Not started.");

    /// <summary>The printed MCP endpoint.</summary>
    public string McpUrl => Sample.Value("MCP endpoint:");

    /// <summary>The printed Protected Resource Metadata URL.</summary>
    public string MetadataUrl => Sample.Value("Protected Resource Metadata:");

    /// <summary>The printed AuthKit stand-in authority.</summary>
    public string Authority => Sample.Value("AuthKit stand-in (Development only):");

    /// <summary>The printed development token.</summary>
    public string Token => Sample.Value("Token for", nextLine: true);

    /// <summary>The printed curl command.</summary>
    public string CurlLine => Sample.Value("Try it:", nextLine: true);

    /// <summary>The 401 challenge of a request without a token, as the contract writes it.</summary>
    public string MissingTokenChallenge => $"Bearer resource_metadata=\"{MetadataUrl}\", scope=\"mcp:tools\"";

    /// <summary>The 403 challenge of a tool call without <c>mcp:tools</c> by a token with no scope.</summary>
    public string InsufficientScopeChallenge => $"Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=\"{MetadataUrl}\"";

    /// <summary>A client that does not follow redirects.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public async Task InitializeAsync()
    {
        _sample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
        {
            ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "sample.db")}",
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "ci-bot",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = ToolsKey.Hash,
            ["TokenValidation:ApiKeys:Keys:0:Scopes:0"] = "mcp:tools",
            ["TokenValidation:ApiKeys:Keys:1:Name"] = "no-scope",
            ["TokenValidation:ApiKeys:Keys:1:Hash"] = NoScopeKey.Hash,
            ["TokenValidation:ApiKeys:Keys:2:Name"] = "notes-reader",
            ["TokenValidation:ApiKeys:Keys:2:Hash"] = OtherScopeKey.Hash,
            ["TokenValidation:ApiKeys:Keys:2:Scopes:0"] = "notes:read",
        }, readyLine: "curl -i ");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_sample is not null)
        {
            await _sample.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// Connects the official MCP client over Streamable HTTP, sending <paramref name="token"/> as a bearer token.
    /// <paramref name="protocolVersion"/> null: the client's latest revision (<c>server/discover</c>, no handshake);
    /// <c>2025-11-25</c> and earlier: the <c>initialize</c> handshake most clients use today.
    /// </summary>
    public Task<McpClient> ConnectAsync(string? token, HttpClient? httpClient = null, string? protocolVersion = null)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(McpUrl),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        };
        var transport = httpClient is null ? new HttpClientTransport(options) : new HttpClientTransport(options, httpClient, ownsHttpClient: false);
        return McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion });
    }

    /// <summary>Asks the stand-in's token endpoint for a new <c>mat_</c> token with exactly <paramref name="scope"/>.</summary>
    public async Task<string> MintTokenAsync(string scope)
    {
        using var response = await Http.PostAsync(Authority + "/oauth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", scope)]));
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (string)json!["access_token"]!;
    }
}

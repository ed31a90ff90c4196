using TokenValidation.Testing;

namespace McpServerSample.Tests;

/// <summary>
/// One standard authorization server (the test helpers' stand-in, which counts its calls) and two samples configured
/// to trust it by configuration alone: one in Development checking its JWTs (<c>TokenValidation:Jwt:Issuer</c>, the
/// resource defaulting to the sample's own <c>/mcp</c>), one in Production introspecting its opaque tokens
/// (<c>TokenValidation:Introspection:*</c>, no AuthKit configured).
/// </summary>
public sealed class ExternalIssuerFixture : IAsyncLifetime
{
    /// <summary>The resource the introspecting (Production) sample is configured with.</summary>
    public const string ProductionResource = "https://mcp.example.test/mcp";

    private readonly string _directory = Directory.CreateTempSubdirectory("mcp-sample-external-").FullName;
    private AuthorizationServerStandIn? _server;
    private SampleProcess? _jwtSample;
    private SampleProcess? _introspectionSample;

    /// <summary>The external authorization server.</summary>
    public AuthorizationServerStandIn Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>The Development sample trusting <see cref="Server"/>'s JWTs.</summary>
    public SampleProcess JwtSample => _jwtSample ?? throw new InvalidOperationException("Not started.");

    /// <summary>The Production sample introspecting tokens at <see cref="Server"/>.</summary>
    public SampleProcess IntrospectionSample => _introspectionSample ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _server = await AuthorizationServerStandIn.StartAsync();

        // Development accepts the stand-in's http issuer on its own.
        _jwtSample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
        {
            ["TokenValidation:Jwt:Issuer"] = _server.Issuer,
            ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "jwt.db")}",
        }, readyLine: "Protected Resource Metadata:");

        _introspectionSample = await SampleProcess.StartAsync("Production", new Dictionary<string, string>
        {
            ["TokenValidation:Resource"] = ProductionResource,
            ["TokenValidation:Introspection:Issuer"] = _server.Issuer,
            ["TokenValidation:Introspection:ClientId"] = AuthorizationServerStandIn.ClientId,
            ["TokenValidation:Introspection:ClientSecret"] = AuthorizationServerStandIn.ClientSecret,
            ["TokenValidation:Introspection:AllowHttp"] = "true",
            ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "introspection.db")}",
        }, readyLine: "Protected Resource Metadata:");
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in new IAsyncDisposable?[] { _jwtSample, _introspectionSample, _server })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }

        Directory.Delete(_directory, recursive: true);
    }
}

using TokenValidation.Testing;

namespace TokenValidation.Tests.Introspection;

/// <summary>
/// A core host that introspects unprefixed tokens at a real authorization-server stand-in. Its clock is a fake one set to
/// the real time (the stand-in's <c>exp</c> values are real), so tests can move past an expiry without waiting.
/// </summary>
internal sealed class IntrospectionHost : IAsyncDisposable
{
    public const string Resource = "https://mcp.example.com/mcp";

    private IntrospectionHost(AuthorizationServerStandIn server, CoreHost core)
    {
        Server = server;
        Core = core;
    }

    public AuthorizationServerStandIn Server { get; }

    public CoreHost Core { get; }

    public ITokenValidationService Validation => Core.Validation;

    public static async Task<IntrospectionHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        string issuerPath = "",
        Action<TokenValidationBuilder>? configure = null,
        bool addJwt = false)
    {
        var server = await AuthorizationServerStandIn.StartAsync(issuerPath);
        var values = new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = Resource,
            ["TokenValidation:Introspection:Issuer"] = server.Issuer,
            ["TokenValidation:Introspection:ClientId"] = AuthorizationServerStandIn.ClientId,
            ["TokenValidation:Introspection:ClientSecret"] = AuthorizationServerStandIn.ClientSecret,
            ["TokenValidation:Introspection:AllowHttp"] = "true",
        };
        if (addJwt)
        {
            // The same stand-in issues JWTs too: one authorization server, both kinds of token.
            values["TokenValidation:Jwt:Issuer"] = server.Issuer;
            values["TokenValidation:Jwt:AllowHttp"] = "true";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var core = await CoreHost.StartAsync(values, configure: b =>
        {
            b.AddIntrospection();
            if (addJwt)
            {
                b.AddJwt();
            }

            configure?.Invoke(b);
        }, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        return new IntrospectionHost(server, core);
    }

    public async ValueTask DisposeAsync()
    {
        await Core.DisposeAsync();
        await Server.DisposeAsync();
    }
}

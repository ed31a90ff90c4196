using TokenValidation.Testing;

namespace TokenValidation.Tests.Jwt;

/// <summary>A core host that trusts the JWTs of a real authorization-server stand-in, on real time (tokens carry real times).</summary>
internal sealed class JwtHost : IAsyncDisposable
{
    public const string Resource = "https://mcp.example.com/mcp";

    private JwtHost(AuthorizationServerStandIn server, CoreHost core)
    {
        Server = server;
        Core = core;
    }

    public AuthorizationServerStandIn Server { get; }

    public CoreHost Core { get; }

    public ITokenValidationService Validation => Core.Validation;

    public static async Task<JwtHost> StartAsync(IDictionary<string, string?>? settings = null, string issuerPath = "", bool addJwt = true)
    {
        var server = await AuthorizationServerStandIn.StartAsync(issuerPath);
        var values = new Dictionary<string, string?>
        {
            ["TokenValidation:Resource"] = Resource,
            ["TokenValidation:Jwt:Issuer"] = server.Issuer,
            ["TokenValidation:Jwt:AllowHttp"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var core = await CoreHost.StartAsync(values, configure: b =>
        {
            if (addJwt)
            {
                b.AddJwt();
            }
        }, time: TimeProvider.System);
        return new JwtHost(server, core);
    }

    public async ValueTask DisposeAsync()
    {
        await Core.DisposeAsync();
        await Server.DisposeAsync();
    }
}

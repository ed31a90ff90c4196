using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// The JWT and introspection classes' shared set-up: the authorization-server stand-in (real Kestrel on loopback) and
/// the library configured through the public configuration path an application uses.
/// </summary>
internal static class JwtBenchmarkHost
{
    /// <summary>The claims every benchmark JWT and introspection answer carries besides sub, client_id, jti and scope.</summary>
    public static Dictionary<string, object> Claims() => new(StringComparer.Ordinal)
    {
        ["email"] = BenchmarkData.Email,
        ["name"] = BenchmarkData.Name,
        ["org_id"] = BenchmarkData.OrgId,
        ["sid"] = BenchmarkData.SessionId,
    };

    /// <summary>A fresh RS256 access token (its own <c>jti</c>) for <see cref="BenchmarkData.Audience"/>, valid for a day.</summary>
    public static string MintJwt(AuthorizationServerStandIn server) =>
        server.CreateAccessToken(BenchmarkData.Subject, BenchmarkData.Audience, BenchmarkData.Scope, lifetime: TimeSpan.FromDays(1), claims: Claims());

    /// <summary>
    /// <c>AddTokenValidation(configuration).AddJwt()</c> and/or <c>.AddIntrospection()</c> with the configuration keys
    /// the tests use, L1 only (no L2), no logging providers.
    /// </summary>
    public static ServiceProvider BuildProvider(AuthorizationServerStandIn server, bool jwt, bool introspection)
    {
        var values = new Dictionary<string, string?> { ["TokenValidation:Resource"] = BenchmarkData.Audience };
        if (jwt)
        {
            values["TokenValidation:Jwt:Issuer"] = server.Issuer;
            values["TokenValidation:Jwt:AllowHttp"] = "true";
        }

        if (introspection)
        {
            values["TokenValidation:Introspection:Issuer"] = server.Issuer;
            values["TokenValidation:Introspection:ClientId"] = AuthorizationServerStandIn.ClientId;
            values["TokenValidation:Introspection:ClientSecret"] = AuthorizationServerStandIn.ClientSecret;
            values["TokenValidation:Introspection:AllowHttp"] = "true";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        var builder = collection.AddTokenValidation(configuration.GetSection("TokenValidation"))
            .ConfigureCache(o => o.Lifetime = BenchmarkData.CacheLifetime);
        if (jwt)
        {
            builder.AddJwt();
        }

        if (introspection)
        {
            builder.AddIntrospection();
        }

        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}

using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenValidation.AuthKit;
using TokenValidation.Resilience;
using TokenValidation.Testing;

namespace TokenValidation.Tests.Resilience;

/// <summary>
/// The library wired from configuration the way an application wires it, against a real AuthKit stand-in on loopback.
/// Real time unless a clock is given. Settings are configuration keys, so binding is exercised too.
/// </summary>
internal sealed class StandInHost : IAsyncDisposable
{
    private StandInHost(ServiceProvider services, AuthKitStandIn authKit, CapturingLoggerProvider logs)
    {
        Services = services;
        AuthKit = authKit;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public AuthKitStandIn AuthKit { get; }

    public CapturingLoggerProvider Logs { get; }

    public ITokenValidationService Validation => Services.GetRequiredService<ITokenValidationService>();

    public TokenValidationService Service => Services.GetRequiredService<TokenValidationService>();

    /// <summary>The AuthKit client's circuit, as the health check reads it.</summary>
    public UpstreamResilience Circuit => Services.GetRequiredKeyedService<UpstreamResilience>(AuthKitDefaults.HttpClientName);

    public IMeterFactory MeterFactory => Services.GetRequiredService<IMeterFactory>();

    /// <summary>A fresh, well-formed AuthKit-looking token.</summary>
    public static string NewToken(string prefix = "mat_") =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    public static async Task<StandInHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<TokenValidationBuilder>? configure = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? time = null)
    {
        var authKit = await AuthKitStandIn.StartAsync();
        var values = new Dictionary<string, string?>
        {
            ["TokenValidation:AuthKit:Authority"] = authKit.Authority,
            ["TokenValidation:AuthKit:AllowHttp"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CapturingLoggerProvider();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        var builder = collection.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit().AddApiKeys();
        configure?.Invoke(builder);
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new StandInHost(provider, authKit, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await AuthKit.DisposeAsync();
    }
}

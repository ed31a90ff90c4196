using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenValidation.Testing;

namespace TokenValidation.Tests;

/// <summary>The core library wired the way an application wires it, against a real AuthKit stand-in.</summary>
internal sealed class CoreHost : IAsyncDisposable
{
    private readonly bool _ownsAuthKit;

    private CoreHost(ServiceProvider services, AuthKitStandIn authKit, bool ownsAuthKit, TimeProvider time)
    {
        _ownsAuthKit = ownsAuthKit;
        Services = services;
        AuthKit = authKit;
        Logs = services.GetFakeLogCollector();
        TimeProvider = time;
    }

    public ServiceProvider Services { get; }

    public AuthKitStandIn AuthKit { get; }

    public FakeTimeProvider Time => TimeProvider as FakeTimeProvider ?? throw new InvalidOperationException("This host runs on real time.");

    public TimeProvider TimeProvider { get; }

    /// <summary>Every log record at every level (Trace up), from the framework's fake logger.</summary>
    public FakeLogCollector Logs { get; }

    public ITokenValidationService Validation => Services.GetRequiredService<ITokenValidationService>();

    internal TokenValidationService Service => Services.GetRequiredService<TokenValidationService>();

    public static async Task<CoreHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<TokenValidationBuilder>? configure = null,
        Action<IServiceCollection>? services = null,
        AuthKitStandIn? authKit = null,
        TimeProvider? time = null)
    {
        bool ownsAuthKit = authKit is null;
        authKit ??= await AuthKitStandIn.StartAsync();
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
        time ??= new FakeTimeProvider();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        collection.AddSingleton<TimeProvider>(time);
        var builder = collection.AddTokenValidation(configuration.GetSection("TokenValidation")).AddAuthKit().AddApiKeys();
        configure?.Invoke(builder);
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new CoreHost(provider, authKit, ownsAuthKit, time);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownsAuthKit)
        {
            await AuthKit.DisposeAsync();
        }
    }
}

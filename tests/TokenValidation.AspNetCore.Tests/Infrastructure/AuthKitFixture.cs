using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Infrastructure;

/// <summary>One AuthKit stand-in on loopback per test class; each test resets it in its constructor.</summary>
public sealed class AuthKitFixture : IAsyncLifetime
{
    public AuthKitStandIn AuthKit { get; private set; } = null!;

    public async Task InitializeAsync() => AuthKit = await AuthKitStandIn.StartAsync();

    public async Task DisposeAsync() => await AuthKit.DisposeAsync();

    /// <summary>Back to default behaviour and zero counters.</summary>
    public AuthKitStandIn Reset()
    {
        AuthKit.ResetBehavior();
        AuthKit.ResetCounts();
        return AuthKit;
    }

    /// <summary>A fresh AuthKit-shaped token.</summary>
    public static string NewToken() => "mat_" + Guid.NewGuid().ToString("N");
}

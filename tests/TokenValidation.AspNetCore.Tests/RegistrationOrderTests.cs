using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests;

/// <summary>The scheme and the core can be registered in either order, and the container validates on build.</summary>
public sealed class RegistrationOrderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_scheme_before_or_after_AddTokenValidation_builds_and_validates(bool schemeFirst)
    {
        await using var authKit = await AuthKitStandIn.StartAsync();
        authKit.AddUser("mat_registration_order_token", "user_order");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRouting(); // what a web application has; the authorization policy cache needs it
        void Scheme() => services.AddAuthentication().AddMcpBearer(o => o.Resource = "https://mcp.example.com/mcp");
        void Core() => services.AddTokenValidation().AddAuthKit(o =>
        {
            o.Authority = authKit.Authority;
            o.AllowHttp = true;
        });
        if (schemeFirst)
        {
            Scheme();
            Core();
        }
        else
        {
            Core();
            Scheme();
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var result = await provider.GetRequiredService<ITokenValidationService>().ValidateAsync("mat_registration_order_token");

        Assert.True(result.IsValid);
        Assert.Same(provider.GetRequiredService<TokenValidation.Diagnostics.TokenValidationDiagnostics>(), provider.GetRequiredService<TokenValidation.Diagnostics.TokenValidationDiagnostics>());
    }
}

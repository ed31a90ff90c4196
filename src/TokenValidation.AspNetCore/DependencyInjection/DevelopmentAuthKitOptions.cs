using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation.AuthKit;

namespace TokenValidation.AspNetCore.DependencyInjection;

/// <summary>Allows an <c>http://</c> AuthKit authority in Development, where a local stand-in usually runs without TLS.</summary>
internal sealed class DevelopmentAuthKitOptions(IHostEnvironment? environment) : IPostConfigureOptions<AuthKitOptions>
{
    public void PostConfigure(string? name, AuthKitOptions options)
    {
        if (environment?.IsDevelopment() == true)
        {
            options.AllowHttp = true;
        }
    }
}

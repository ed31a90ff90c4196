using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.DependencyInjection;

/// <summary>
/// In Development, lets an issuer's options accept http URLs (a local authorization server or stand-in); production
/// keeps refusing them at start-up.
/// </summary>
internal sealed class DevelopmentAllowsHttp<TOptions>(IHostEnvironment? environment, Action<TOptions> allowHttp) : IPostConfigureOptions<TOptions>
    where TOptions : class
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (environment?.IsDevelopment() == true)
        {
            allowHttp(options);
        }
    }
}

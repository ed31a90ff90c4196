using TokenValidation.AspNetCore;

namespace McpServerSample.Development;

/// <summary>Registers and mounts the development AuthKit stand-in.</summary>
public static class DevAuthKitExtensions
{
    /// <summary>
    /// Creates the stand-in on <paramref name="origin"/> (this application's own) and points
    /// <c>TokenValidation:AuthKit:Authority</c> at it; with a <paramref name="loginUri"/>, also the Login URI's
    /// WorkOS API (<c>TokenValidation:AuthKitLogin:ApiBaseUrl</c> and <c>ApiKey</c>, unless configured).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not in Development.</exception>
    public static DevAuthKit AddDevAuthKit(this WebApplicationBuilder builder, string origin, IEnumerable<string> scopes, string? jwtAudience = null, string? loginUri = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var devAuthKit = new DevAuthKit(builder.Environment, origin, scopes, jwtAudience, loginUri);
        builder.Services.AddSingleton(devAuthKit);
        builder.Configuration.AddInMemoryCollection([new("TokenValidation:AuthKit:Authority", devAuthKit.Authority)]);
        if (devAuthKit.Connect is { } connect)
        {
            // The stand-in answers the completion call on its own authority, with a key made for this run.
            var login = builder.Configuration.GetSection("TokenValidation:AuthKitLogin");
            builder.Configuration.AddInMemoryCollection(
            [
                new("TokenValidation:AuthKitLogin:ApiBaseUrl", login["ApiBaseUrl"] ?? devAuthKit.Authority),
                new("TokenValidation:AuthKitLogin:ApiKey", login["ApiKey"] ?? connect.ApiKey),
            ]);
        }

        return devAuthKit;
    }

    /// <summary>
    /// Mounts the stand-in under <see cref="DevAuthKit.PathPrefix"/>, plus its path-inserted RFC 8414 metadata URL.
    /// Call it before <c>UseAuthentication</c>: a userinfo request carries the very token the MCP scheme would
    /// validate by calling userinfo, so authenticating it would wait on itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not in Development, or <see cref="AddDevAuthKit"/> was not called.</exception>
    public static IApplicationBuilder UseDevAuthKit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var devAuthKit = app.ApplicationServices.GetRequiredService<DevAuthKit>();
        if (!app.ApplicationServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            throw new InvalidOperationException("The development AuthKit stand-in runs only in the Development environment.");
        }

        app.Map(DevAuthKit.PathPrefix, branch => branch.Run(devAuthKit.HandleAsync));
        app.Map(McpBearerDefaults.AuthorizationServerMetadataPath + DevAuthKit.PathPrefix, branch => branch.Run(devAuthKit.HandleMetadataAsync));
        return app;
    }
}

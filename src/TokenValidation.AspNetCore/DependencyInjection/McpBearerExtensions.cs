using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation;
using TokenValidation.AspNetCore;
using TokenValidation.AspNetCore.Authorization;
using TokenValidation.AspNetCore.DependencyInjection;
using TokenValidation.AspNetCore.Metadata;
using TokenValidation.AuthKit;
using TokenValidation.Introspection;
using TokenValidation.Jwt;
using TokenValidation.Caching;
using TokenValidation.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MCP bearer authentication scheme.</summary>
public static class McpBearerExtensions
{
    // The source tag of the metadata client's retry and circuit metrics.
    private const string MetadataSource = "authkit_metadata";

    /// <summary>
    /// Adds the MCP bearer scheme (<see cref="McpBearerDefaults.AuthenticationScheme"/>) with options bound from
    /// <paramref name="configuration"/>, usually the <c>TokenValidation</c> section the core reads too. Token validation
    /// itself is registered by <c>services.AddTokenValidation(…).AddAuthKit()</c>.
    /// </summary>
    public static AuthenticationBuilder AddMcpBearer(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddMcpBearer(McpBearerDefaults.AuthenticationScheme, configuration, null);
    }

    /// <summary>Adds the MCP bearer scheme configured in code.</summary>
    public static AuthenticationBuilder AddMcpBearer(this AuthenticationBuilder builder, Action<McpBearerOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        return builder.AddMcpBearer(McpBearerDefaults.AuthenticationScheme, null, configureOptions);
    }

    /// <summary>
    /// Adds the MCP bearer scheme under <paramref name="authenticationScheme"/>: options bound from
    /// <paramref name="configuration"/> when given, then <paramref name="configureOptions"/>; validated at start-up.
    /// Also: authorization services (for <c>RequireScopes</c>), an http AuthKit authority in Development, and the
    /// resource URL as the cache's default instance name. Called again for the same scheme, it only adds
    /// <paramref name="configureOptions"/>.
    /// </summary>
    public static AuthenticationBuilder AddMcpBearer(
        this AuthenticationBuilder builder,
        string authenticationScheme,
        IConfiguration? configuration,
        Action<McpBearerOptions>? configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        var services = builder.Services;

        // A second call for the same scheme only adds its configureOptions: binding again would list every scope
        // twice, and ASP.NET Core refuses a scheme added twice.
        var registration = new McpBearerSchemeRegistration(authenticationScheme);
        if (services.Any(d => d.ServiceType == typeof(McpBearerSchemeRegistration) && registration.Equals(d.ImplementationInstance)))
        {
            if (configureOptions is not null)
            {
                services.Configure(authenticationScheme, configureOptions);
            }

            return builder;
        }

        services.AddSingleton(registration);
        string sectionPath = (configuration as IConfigurationSection)?.Path ?? TokenValidationOptions.SectionName;

        var options = services.AddOptions<McpBearerOptions>(authenticationScheme).ValidateOnStart();
        if (configuration is not null)
        {
            // Generated binding (see the csproj for the SYSLIB1100/1101 it reports about non-configuration properties).
            options.Bind(configuration);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<McpBearerOptions>, McpBearerPostConfigureOptions>());
        services.AddSingleton<IValidateOptions<McpBearerOptions>>(sp => new McpBearerOptionsValidator(
            authenticationScheme,
            sectionPath,
            sp.GetService<IHostEnvironment>(),
            sp.GetService<IServiceProviderIsService>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(McpBearerOptions).FullName!)));
        services.AddSingleton<IPostConfigureOptions<TokenCacheOptions>>(sp =>
            new ResourceCacheInstanceName(authenticationScheme, sp.GetRequiredService<IOptionsMonitor<McpBearerOptions>>()));
        services.AddSingleton<IPostConfigureOptions<TokenValidationOptions>>(sp =>
            new ResourceFromBearerOptions(authenticationScheme, sp.GetRequiredService<IOptionsMonitor<McpBearerOptions>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AuthKitOptions>, DevelopmentAllowsHttp<AuthKitOptions>>(sp =>
            new DevelopmentAllowsHttp<AuthKitOptions>(sp.GetService<IHostEnvironment>(), static o => o.AllowHttp = true)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtOptions>, DevelopmentAllowsHttp<JwtOptions>>(sp =>
            new DevelopmentAllowsHttp<JwtOptions>(sp.GetService<IHostEnvironment>(), static o => o.AllowHttp = true)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<IntrospectionOptions>, DevelopmentAllowsHttp<IntrospectionOptions>>(sp =>
            new DevelopmentAllowsHttp<IntrospectionOptions>(sp.GetService<IHostEnvironment>(), static o => o.AllowHttp = true)));

        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeHierarchyAuthorizationHandler>());
        // Its TimeProvider comes with AddTokenValidationResilience below, which registers the system clock if none is.
        services.TryAddSingleton<AuthorizationServerMetadataCache>();
        services.AddHttpClient(McpBearerDefaults.MetadataHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new System.Net.Http.SocketsHttpHandler
            {
                // The copy must come from the authority itself, not from wherever a redirect points.
                AllowAutoRedirect = false,
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })

            // The same pipeline as the userinfo call (AuthKit:Timeout and AuthKit:Resilience), with its own circuit.
            .AddTokenValidationResilience(MetadataSource, TokenValidationResilience.AuthKitSettings);

        return builder.AddScheme<McpBearerOptions, McpBearerHandler>(authenticationScheme, McpBearerDefaults.DisplayName, configureOptions);
    }
}

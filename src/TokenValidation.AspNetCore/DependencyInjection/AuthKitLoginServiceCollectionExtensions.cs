using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenValidation;
using TokenValidation.AspNetCore.DependencyInjection;
using TokenValidation.AspNetCore.LoginBridge;
using TokenValidation.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AuthKit Login URI endpoint (WorkOS Standalone Connect).</summary>
public static class AuthKitLoginServiceCollectionExtensions
{
    // The source tag of the completion client's circuit metrics.
    private const string Source = "authkit_login";

    /// <summary>
    /// Adds what <c>MapAuthKitLogin</c> needs: <see cref="AuthKitLoginOptions"/> bound from
    /// <paramref name="configuration"/>'s <c>AuthKitLogin</c> section (usually <c>TokenValidation</c>, whose
    /// <c>AuthKit:Authority</c> is the default authority) and checked at start-up, antiforgery, the default
    /// <see cref="IAuthKitUserFactory"/> and <see cref="IAuthKitLoginPages"/> (register your own to replace them),
    /// and the WorkOS API client through the library's resilience pipeline without retries. http URLs are accepted in
    /// Development only.
    /// </summary>
    public static IServiceCollection AddAuthKitLogin(this IServiceCollection services, IConfiguration configuration, Action<AuthKitLoginOptions>? configureOptions = null)
    {
        // Stryker disable once Statement : AddOptions below throws the same ArgumentNullException for services.
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        string parentPath = (configuration as IConfigurationSection)?.Path ?? TokenValidationOptions.SectionName;
        var section = configuration.GetSection(AuthKitLoginDefaults.SectionName);
        var options = services.AddOptions<AuthKitLoginOptions>().Bind(section).ValidateOnStart();
        options.PostConfigure<IServiceProvider>((o, sp) =>
        {
            o.Authority ??= configuration["AuthKit:Authority"];
            o.ApplicationName ??= sp.GetService<IHostEnvironment>()?.ApplicationName;
        });
        if (configureOptions is not null)
        {
            options.Configure(configureOptions);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AuthKitLoginOptions>, DevelopmentAllowsHttp<AuthKitLoginOptions>>(sp =>
            new DevelopmentAllowsHttp<AuthKitLoginOptions>(sp.GetService<IHostEnvironment>(), static o => o.AllowHttp = true)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthKitLoginOptions>>(
            new AuthKitLoginOptionsValidator(parentPath + ":" + AuthKitLoginDefaults.SectionName)));

        services.AddAntiforgery();
        services.TryAddScoped<IAuthKitUserFactory, ClaimsAuthKitUserFactory>();
        services.TryAddSingleton<IAuthKitLoginPages, HtmlAuthKitLoginPages>();
        services.TryAddSingleton<AuthKitCompletionClient>();

        // AddTokenValidationResilience brings the pipeline's metrics, for an application without AddTokenValidation.
        services.AddHttpClient(AuthKitLoginDefaults.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static () => new System.Net.Http.SocketsHttpHandler
            {
                // The answer must come from the WorkOS API itself, and the API key must not follow a redirect.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })

            // Timeout and circuit from the library's pipeline; no retry: the call is not idempotent (the client retries
            // only what provably never left).
            .AddTokenValidationResilience(Source, static sp =>
            {
                var timeout = sp.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value.Timeout;
                return (timeout, new AuthKitResilienceOptions { MaxRetryAttempts = 0, AttemptTimeout = timeout });
            });
        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenValidation;
using TokenValidation.Caching;
using TokenValidation.DependencyInjection;
using TokenValidation.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers token validation in an <see cref="IServiceCollection"/>.</summary>
public static class TokenValidationServiceCollectionExtensions
{
    /// <summary>
    /// Adds token validation with options bound from <paramref name="configuration"/> (usually the
    /// <c>TokenValidation</c> section: <c>MaxTokenLength</c>, <c>AuthKit</c>, <c>ApiKeys</c>, <c>Cache</c>), validated at
    /// start-up. Chain <see cref="TokenValidationBuilder.AddAuthKit"/> and <see cref="TokenValidationBuilder.AddApiKeys"/>.
    /// </summary>
    public static TokenValidationBuilder AddTokenValidation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, configuration);
    }

    /// <summary>Adds token validation with default options; configure validators and the cache on the returned builder.</summary>
    public static TokenValidationBuilder AddTokenValidation(this IServiceCollection services) => AddCore(services, null);

    /// <summary>Adds token validation configured in code.</summary>
    public static TokenValidationBuilder AddTokenValidation(this IServiceCollection services, Action<TokenValidationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services, null);
        services.Configure(configure);
        return builder;
    }

    private static TokenValidationBuilder AddCore(IServiceCollection services, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        string sectionPath = (configuration as IConfigurationSection)?.Path ?? TokenValidationOptions.SectionName;

        var options = services.AddOptions<TokenValidationOptions>().ValidateOnStart();
        var cacheOptions = services.AddOptions<TokenCacheOptions>().ValidateOnStart();
        if (configuration is not null)
        {
            options.Bind(configuration);
            cacheOptions.Bind(configuration.GetSection("Cache"));
        }

        var validator = new TokenValidationOptionsValidator(sectionPath, configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenValidationOptions>>(validator));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenValidationOptions>, TokenValidatorRoutesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenCacheOptions>>(validator));

        services.TryAddSingleton(TimeProvider.System);
        TokenValidationDiagnostics.TryAdd(services);
        services.TryAddSingleton<DistributedTokenCache>();
        services.TryAddSingleton<TokenValidationService>();
        services.TryAddSingleton<ITokenValidationService>(sp => sp.GetRequiredService<TokenValidationService>());

        return new TokenValidationBuilder(services, configuration, validator);
    }
}

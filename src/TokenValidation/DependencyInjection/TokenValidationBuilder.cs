using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;
using TokenValidation.AuthKit;
using TokenValidation.Caching;
using TokenValidation.DependencyInjection;
using TokenValidation.Introspection;
using TokenValidation.Jwt;
using TokenValidation.Resilience;

namespace TokenValidation;

/// <summary>Configures token validation: which validators answer which prefixes, key stores, enrichers and caching.</summary>
public sealed class TokenValidationBuilder
{
    private readonly IConfiguration? _configuration;
    private readonly TokenValidationOptionsValidator _validator;
    private IHttpClientBuilder? _authKitHttpClient;

    internal TokenValidationBuilder(IServiceCollection services, IConfiguration? configuration, TokenValidationOptionsValidator validator)
    {
        Services = services;
        _configuration = configuration;
        _validator = validator;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The named <see cref="HttpClient"/> that calls AuthKit, set up by <see cref="AddAuthKit"/>. Handlers you add to it
    /// run inside the library's resilience pipeline, once per attempt. To use your own pipeline instead (for example
    /// <c>AddStandardResilienceHandler()</c>), turn the library's off with <see cref="AuthKitResilienceOptions.Enabled"/>
    /// (<c>AuthKit:Resilience:Enabled</c>) so failures are not retried twice. The client has no default request
    /// logging: IHttpClientFactory's logger puts the raw <c>Authorization</c> header (the caller's token) in its log
    /// state at Trace, redaction or not.
    /// </summary>
    /// <exception cref="InvalidOperationException">Read before <see cref="AddAuthKit"/> was called on this builder.</exception>
    public IHttpClientBuilder AuthKitHttpClient =>
        _authKitHttpClient ?? throw new InvalidOperationException(
            "The AuthKit HttpClient is registered by AddAuthKit(): call AddAuthKit() before using AuthKitHttpClient or ConfigureAuthKitHttpClient().");

    /// <summary>
    /// Sends tokens starting with <see cref="AuthKitOptions.TokenPrefix"/> (<c>mat_</c>) to AuthKit's userinfo endpoint;
    /// with <see cref="AuthKitOptions.AcceptUnprefixedTokens"/>, also tokens no other prefix claims. Options are bound
    /// from the <c>AuthKit</c> section; <see cref="AuthKitOptions.Authority"/> is required. The call runs through a
    /// resilience pipeline (timeouts, one retry, circuit breaker) configured by <see cref="AuthKitOptions.Resilience"/>.
    /// </summary>
    public TokenValidationBuilder AddAuthKit(Action<AuthKitOptions>? configure = null)
    {
        // Called twice (say, once more to configure), AddAuthKit must not bind the section again (lists would double),
        // stack a second pipeline (and a second retry) on the client, nor claim the prefix twice.
        bool firstCall = !Services.Any(d => d.ServiceType == typeof(AuthKitUserInfoValidator));
        var options = Services.AddOptions<AuthKitOptions>().ValidateOnStart();
        if (_configuration is not null && firstCall)
        {
            options.Bind(_configuration.GetSection("AuthKit"));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthKitOptions>>(_validator));
        Services.TryAddSingleton<UserInfoEndpointResolver>();
        Services.TryAddSingleton<AuthKitUserInfoValidator>();
        _authKitHttpClient = Services.AddHttpClient(AuthKitDefaults.HttpClientName);
        if (firstCall)
        {
            _authKitHttpClient
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    // The token goes to the userinfo endpoint and nowhere else: a redirect is an answer, not an instruction.
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                })

                // First handler added, so the outermost: handlers the application adds later run once per attempt.
                .AddTokenValidationResilience(TokenSources.AuthKit, TokenValidationResilience.AuthKitSettings);

            // Hosted AuthKit's JWT access tokens: iss = the authority, checked locally against its JWKS.
            Services.AddSingleton(new JwtIssuerRegistration(static sp => JwtIssuerFactory.FromAuthKit(
                sp.GetRequiredService<IOptions<AuthKitOptions>>().Value,
                sp.GetRequiredService<IOptions<TokenValidationOptions>>().Value.Resource)));
            AddJwtRouting();

            Services.Configure<TokenValidationOptions>(o => o.Validators.Add(new TokenValidatorRegistration(
                sp => sp.GetRequiredService<IOptions<AuthKitOptions>>().Value is var authKit && authKit.AcceptUnprefixedTokens
                    ? [authKit.TokenPrefix, null]
                    : [authKit.TokenPrefix],
                sp => sp.GetRequiredService<AuthKitUserInfoValidator>(),
                TokenSources.AuthKit)));
        }

        return this;
    }

    /// <summary>
    /// Accepts JWT access tokens (RFC 9068) from the issuer under the <c>Jwt</c> section (<see cref="JwtOptions.Issuer"/>),
    /// checked locally: signature against the issuer's JWKS (discovered from its metadata, or <see cref="JwtOptions.JwksUri"/>),
    /// <c>iss</c>, <c>aud</c> (this <see cref="TokenValidationOptions.Resource"/>), <c>exp</c>/<c>nbf</c>, <c>typ</c>.
    /// JWS-shaped tokens are dispatched by their <c>iss</c>; with <see cref="AddAuthKit"/> too, AuthKit's own JWTs are
    /// checked against AuthKit's keys.
    /// </summary>
    public TokenValidationBuilder AddJwt(Action<JwtOptions>? configure = null)
    {
        bool firstCall = !Services.Any(d => d.ServiceType == typeof(IValidateOptions<JwtOptions>));
        var options = Services.AddOptions<JwtOptions>().ValidateOnStart();
        if (_configuration is not null && firstCall)
        {
            options.Bind(_configuration.GetSection("Jwt"));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (firstCall)
        {
            string sectionPath = (_configuration as IConfigurationSection)?.Path ?? TokenValidationOptions.SectionName;
            Services.AddSingleton<IValidateOptions<JwtOptions>>(sp => new JwtOptionsValidator(sectionPath, sp.GetRequiredService<IOptions<TokenValidationOptions>>()));
            Services.AddSingleton(new JwtIssuerRegistration(static sp => JwtIssuerFactory.FromOptions(
                sp.GetRequiredService<IOptions<JwtOptions>>().Value,
                sp.GetRequiredService<IOptions<TokenValidationOptions>>().Value.Resource)));
            AddJwtRouting();
        }

        return this;
    }

    private void AddJwtRouting()
    {
        if (Services.Any(d => d.ServiceType == typeof(JwtIssuerRouter)))
        {
            return;
        }

        Services.AddSingleton<JwtIssuerRouter>();
        Services.AddHttpClient(SigningKeyCache.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                // Keys come from the issuer's own URLs, not from wherever a redirect points.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            .AddTokenValidationResilience(JwtIssuerRouter.Name, static sp => (sp.GetRequiredService<IOptions<JwtOptions>>().Value.Timeout, new AuthKitResilienceOptions()));
    }

    /// <summary>
    /// Checks opaque access tokens at the authorization server's introspection endpoint (RFC 7662), with options from the
    /// <c>Introspection</c> section: <see cref="IntrospectionOptions.Issuer"/>, <see cref="IntrospectionOptions.ClientId"/>
    /// and <see cref="IntrospectionOptions.ClientSecret"/> are required; the endpoint comes from the issuer's metadata
    /// unless <see cref="IntrospectionOptions.Endpoint"/> is set. Tokens starting with
    /// <see cref="IntrospectionOptions.TokenPrefix"/> go there; without a prefix, introspection is the fallback for tokens
    /// no prefix claims (JWS-shaped tokens still go to the JWT validator when one is registered). An active token must
    /// name this <see cref="TokenValidationOptions.Resource"/> in <c>aud</c>. Calling it again only applies
    /// <paramref name="configure"/>.
    /// </summary>
    public TokenValidationBuilder AddIntrospection(Action<IntrospectionOptions>? configure = null)
    {
        bool firstCall = !Services.Any(d => d.ServiceType == typeof(IValidateOptions<IntrospectionOptions>));
        var options = Services.AddOptions<IntrospectionOptions>().ValidateOnStart();
        if (_configuration is not null && firstCall)
        {
            options.Bind(_configuration.GetSection("Introspection"));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (firstCall)
        {
            AddIntrospectionServices((_configuration as IConfigurationSection)?.Path ?? TokenValidationOptions.SectionName);
        }

        return this;
    }

    private void AddIntrospectionServices(string sectionPath)
    {
        Services.AddSingleton<IValidateOptions<IntrospectionOptions>>(sp =>
            new IntrospectionOptionsValidator(sectionPath, () => IntrospectionOptionsValidator.UnvalidatedResource(sp)));
        Services.AddSingleton(sp => new IntrospectionValidator(
            sp.GetRequiredService<IOptions<IntrospectionOptions>>().Value,
            sp.GetRequiredService<IOptions<TokenValidationOptions>>().Value.Resource,
            sectionPath + ":Introspection",
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Diagnostics.TokenValidationDiagnostics>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<IntrospectionValidator>>()));
        Services.AddHttpClient(IntrospectionValidator.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                // The token and our secret go to the configured or discovered endpoint and nowhere else.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            .AddTokenValidationResilience(TokenSources.Introspection, static sp => (sp.GetRequiredService<IOptions<IntrospectionOptions>>().Value.Timeout, new AuthKitResilienceOptions()));

        // A prefix of its own, or the fallback for unprefixed tokens (one fallback only: start-up says so otherwise).
        Services.Configure<TokenValidationOptions>(o => o.Validators.Add(new TokenValidatorRegistration(
            sp => [sp.GetRequiredService<IOptions<IntrospectionOptions>>().Value.TokenPrefix is { Length: > 0 } prefix ? prefix : null],
            sp => sp.GetRequiredService<IntrospectionValidator>(),
            TokenSources.Introspection)));
    }

    /// <summary>Applies <paramref name="configure"/> to the AuthKit <see cref="HttpClient"/> (call after <see cref="AddAuthKit"/>).</summary>
    public TokenValidationBuilder ConfigureAuthKitHttpClient(Action<IHttpClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(AuthKitHttpClient);
        return this;
    }

    /// <summary>
    /// Accepts API keys starting with <see cref="ApiKeyOptions.Prefix"/> (<c>wcd_</c>), looked up by SHA-256 in the
    /// registered <see cref="IApiKeyStore"/> (by default the hashes under the <c>ApiKeys:Keys</c> section).
    /// </summary>
    public TokenValidationBuilder AddApiKeys(Action<ApiKeyOptions>? configure = null)
    {
        // Called twice, AddApiKeys must not bind the section again (every key would be listed twice) nor claim the prefix twice.
        bool firstCall = !Services.Any(d => d.ServiceType == typeof(ApiKeyValidator));
        var options = Services.AddOptions<ApiKeyOptions>().ValidateOnStart();
        if (_configuration is not null && firstCall)
        {
            options.Bind(_configuration.GetSection("ApiKeys"));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyOptions>>(_validator));
        Services.TryAddSingleton<IApiKeyStore, ConfigurationApiKeyStore>();
        Services.TryAddSingleton<ApiKeyValidator>();
        if (firstCall)
        {
            Services.Configure<TokenValidationOptions>(o => o.Validators.Add(new TokenValidatorRegistration(
                sp => [sp.GetRequiredService<IOptions<ApiKeyOptions>>().Value.Prefix],
                sp => sp.GetRequiredService<ApiKeyValidator>(),
                TokenSources.ApiKey) { IsLocal = true }));
        }

        return this;
    }

    /// <summary>Replaces the configuration key store with <typeparamref name="TStore"/> (for example a database table).</summary>
    public TokenValidationBuilder AddApiKeyStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>()
        where TStore : class, IApiKeyStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IApiKeyStore, TStore>());
        return this;
    }

    /// <summary>Routes tokens starting with <paramref name="prefix"/> to <typeparamref name="TValidator"/> (a singleton).</summary>
    /// <param name="prefix">The token prefix, for example <c>ghp_</c>. The longest matching prefix wins.</param>
    /// <param name="source">The name used in metrics and logs for this validator; defaults to the type name.</param>
    public TokenValidationBuilder AddValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(string prefix, string? source = null)
        where TValidator : class, ITokenValidator
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return AddRegistration<TValidator>(prefix, source);
    }

    /// <summary>Sends tokens that no prefix claims to <typeparamref name="TValidator"/> instead of rejecting them.</summary>
    public TokenValidationBuilder AddFallbackValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(string? source = null)
        where TValidator : class, ITokenValidator => AddRegistration<TValidator>(null, source);

    /// <summary>Adds an enricher that runs on every cache fill of a valid identity (see <see cref="ITokenIdentityEnricher"/>).</summary>
    public TokenValidationBuilder AddIdentityEnricher<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TEnricher>()
        where TEnricher : class, ITokenIdentityEnricher
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITokenIdentityEnricher, TEnricher>());
        return this;
    }

    /// <summary>
    /// Turns on level 2: the application's registered <c>IDistributedCache</c> (Redis in production, via
    /// <c>AddStackExchangeRedisCache</c>) is shared by every replica.
    /// </summary>
    public TokenValidationBuilder AddDistributedCache(Action<TokenCacheOptions>? configure = null)
    {
        Services.Configure<TokenCacheOptions>(o =>
        {
            o.UseDistributedCache = true;
            configure?.Invoke(o);
        });
        return this;
    }

    /// <summary>Configures the cache (lifetimes, bound, instance name) in code.</summary>
    public TokenValidationBuilder ConfigureCache(Action<TokenCacheOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    private TokenValidationBuilder AddRegistration<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(string? prefix, string? source)
        where TValidator : class, ITokenValidator
    {
        Services.TryAddSingleton<TValidator>();
        string name = source ?? typeof(TValidator).Name;

        // The same call twice registers once; another validator for the same prefix still fails start-up.
        var identity = (typeof(TValidator), prefix, name);
        Services.Configure<TokenValidationOptions>(o =>
        {
            if (!o.Validators.Any(v => identity.Equals(v.Identity)))
            {
                o.Validators.Add(TokenValidatorRegistration.ForPrefix(prefix, sp => sp.GetRequiredService<TValidator>(), name) with { Identity = identity });
            }
        });
        return this;
    }
}

using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenValidation;
using TokenValidation.AspNetCore.Caching;
using TokenValidation.AspNetCore.UserMapping;
using TokenValidation.Caching;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>ASP.NET Core additions to <see cref="TokenValidationBuilder"/>: user mapping and protected cache values.</summary>
public static class McpTokenValidationBuilderExtensions
{
    /// <summary>
    /// Maps each freshly validated identity (a cache fill, never a cached request) to the application's own user with
    /// <typeparamref name="TMapper"/> (registered scoped, so it can use a <c>DbContext</c>). The local user id becomes the
    /// claim <see cref="McpUserMappingOptions.ClaimType"/> (default <c>local_user_id</c>), cached with the identity.
    /// By default only AuthKit identities are mapped; see <see cref="McpUserMappingOptions.Sources"/>.
    /// </summary>
    public static TokenValidationBuilder AddUserMapper<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMapper>(this TokenValidationBuilder builder, Action<McpUserMappingOptions>? configure = null)
        where TMapper : class, IMcpUserMapper
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Scoped<IMcpUserMapper, TMapper>());
        var options = builder.Services.AddOptions<McpUserMappingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder.AddIdentityEnricher<UserMappingEnricher>();
    }

    /// <summary>
    /// Encrypts level-2 cache values with ASP.NET Core Data Protection. Every replica must share one key ring
    /// (<c>AddDataProtection().PersistKeysTo…()</c> with the same application name), or each will treat the others'
    /// entries as misses.
    /// </summary>
    public static TokenValidationBuilder ProtectDistributedCacheValues(this TokenValidationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDataProtection();
        builder.Services.Replace(ServiceDescriptor.Singleton<ITokenCacheValueProtector, DataProtectionTokenCacheValueProtector>());
        return builder;
    }
}

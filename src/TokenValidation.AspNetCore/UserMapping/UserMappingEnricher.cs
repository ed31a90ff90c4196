using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.UserMapping;

/// <summary>Runs the application's <see cref="IMcpUserMapper"/> on a cache fill and adds the local user id claim.</summary>
internal sealed class UserMappingEnricher(IServiceScopeFactory scopes, IOptions<McpUserMappingOptions> options) : ITokenIdentityEnricher
{
    private readonly McpUserMappingOptions _options = options.Value;

    public async ValueTask<TokenIdentity> EnrichAsync(TokenIdentity identity, CancellationToken cancellationToken)
    {
        if (!_options.Sources.Contains(identity.Source, StringComparer.Ordinal))
        {
            return identity;
        }

        string userId;
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var mapper = scope.ServiceProvider.GetRequiredService<IMcpUserMapper>();
            userId = await mapper.FindOrCreateUserAsync(identity, cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(userId))
        {
            throw new InvalidOperationException($"{nameof(IMcpUserMapper)}.{nameof(IMcpUserMapper.FindOrCreateUserAsync)} returned no user id.");
        }

        // Drop any same-named claim from the issuer, so only the mapper can say who the local user is.
        return new TokenIdentity
        {
            Subject = identity.Subject,
            Email = identity.Email,
            Name = identity.Name,
            Scopes = identity.Scopes,
            Claims = [.. identity.Claims.Where(c => !string.Equals(c.Type, _options.ClaimType, StringComparison.Ordinal)), new TokenClaim(_options.ClaimType, userId)],
            Source = identity.Source,
            ExpiresAt = identity.ExpiresAt,
        };
    }
}

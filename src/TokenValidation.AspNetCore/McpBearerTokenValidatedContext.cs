using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore;

/// <summary>The context of <see cref="McpBearerEvents.OnTokenValidated"/>: the identity and the principal built from it.</summary>
public class McpBearerTokenValidatedContext : ResultContext<McpBearerOptions>
{
    /// <summary>Creates the context.</summary>
    public McpBearerTokenValidatedContext(HttpContext context, AuthenticationScheme scheme, McpBearerOptions options, TokenIdentity identity)
        : base(context, scheme, options)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Identity = identity;
    }

    /// <summary>The validated identity, as cached (never the token).</summary>
    public TokenIdentity Identity { get; }
}

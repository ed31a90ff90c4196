using System.Security.Claims;

namespace TokenValidation.AspNetCore;

/// <summary>Builds the request's <see cref="ClaimsPrincipal"/> from a validated <see cref="TokenIdentity"/>.</summary>
internal static class McpPrincipalFactory
{
    public static ClaimsPrincipal Create(TokenIdentity identity, string authenticationType)
    {
        var claims = new List<Claim>(5 + identity.Scopes.Count + identity.Claims.Count)
        {
            new(ClaimTypes.NameIdentifier, identity.Subject),
            new(McpBearerDefaults.SubjectClaimType, identity.Subject),
        };

        if (!string.IsNullOrEmpty(identity.Email))
        {
            claims.Add(new Claim(McpBearerDefaults.EmailClaimType, identity.Email));
        }

        if (!string.IsNullOrEmpty(identity.Name))
        {
            claims.Add(new Claim(McpBearerDefaults.NameClaimType, identity.Name));
        }

        foreach (var scope in identity.Scopes)
        {
            claims.Add(new Claim(McpBearerDefaults.ScopeClaimType, scope));
        }

        claims.Add(new Claim(McpBearerDefaults.SourceClaimType, identity.Source));
        foreach (var claim in identity.Claims)
        {
            // An issuer's extra field must not pose as one of the claims written above from checked values, nor as the
            // name of an API key (only the API-key validator, which looked the key up, may say which key it was).
            if (!IsReserved(claim.Type) && (claim.Type != McpBearerDefaults.ApiKeyNameClaimType || identity.Source == TokenSources.ApiKey))
            {
                claims.Add(new Claim(claim.Type, claim.Value));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, McpBearerDefaults.NameClaimType, McpBearerDefaults.RoleClaimType));
    }

    private static bool IsReserved(string type) => type is
        ClaimTypes.NameIdentifier or McpBearerDefaults.SubjectClaimType or McpBearerDefaults.EmailClaimType
        or McpBearerDefaults.NameClaimType or McpBearerDefaults.ScopeClaimType or McpBearerDefaults.SourceClaimType;
}

using System.Security.Claims;

namespace TokenValidation.AspNetCore;

/// <summary>Builds the request's <see cref="ClaimsPrincipal"/> from a validated <see cref="TokenIdentity"/>.</summary>
internal static class McpPrincipalFactory
{
    public static ClaimsPrincipal Create(TokenIdentity identity, string authenticationType)
    {
        var principal = new ClaimsIdentity(authenticationType, McpBearerDefaults.NameClaimType, McpBearerDefaults.RoleClaimType);
        Add(principal, ClaimTypes.NameIdentifier, identity.Subject);
        Add(principal, McpBearerDefaults.SubjectClaimType, identity.Subject);
        if (!string.IsNullOrEmpty(identity.Email))
        {
            Add(principal, McpBearerDefaults.EmailClaimType, identity.Email);
        }

        if (!string.IsNullOrEmpty(identity.Name))
        {
            Add(principal, McpBearerDefaults.NameClaimType, identity.Name);
        }

        foreach (var scope in identity.Scopes)
        {
            Add(principal, McpBearerDefaults.ScopeClaimType, scope);
        }

        Add(principal, McpBearerDefaults.SourceClaimType, identity.Source);
        foreach (var claim in identity.Claims)
        {
            // An issuer's extra field must not pose as one of the claims written above from checked values, nor as the
            // name of an API key (only the API-key validator, which looked the key up, may say which key it was).
            if (!IsReserved(claim.Type) && (claim.Type != McpBearerDefaults.ApiKeyNameClaimType || identity.Source == TokenSources.ApiKey))
            {
                Add(principal, claim.Type, claim.Value);
            }
        }

        return new ClaimsPrincipal(principal);
    }

    // Each claim is created with its identity as subject, so AddClaim keeps it instead of cloning it (half the claims per request).
    private static void Add(ClaimsIdentity identity, string type, string value) =>
        identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));

    private static bool IsReserved(string type) => type is
        ClaimTypes.NameIdentifier or McpBearerDefaults.SubjectClaimType or McpBearerDefaults.EmailClaimType
        or McpBearerDefaults.NameClaimType or McpBearerDefaults.ScopeClaimType or McpBearerDefaults.SourceClaimType;
}

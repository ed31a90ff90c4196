using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Parsing;

namespace TokenValidation.Benchmarks.Shared;

/// <summary>
/// A bearer authentication handler over <see cref="ITokenValidationService"/>: what an application's scheme does on each
/// request (read the header, validate, build the principal): the least any scheme does. Shared by the load host and
/// the benchmarks (linked into TokenValidation.Benchmarks).
/// </summary>
public sealed class BareBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ITokenValidationService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var read = BearerTokenReader.Read(Request.Headers.Authorization);
        if (read.Status == BearerTokenStatus.Missing)
        {
            return AuthenticateResult.NoResult();
        }

        if (read.Status != BearerTokenStatus.Found)
        {
            return AuthenticateResult.Fail(read.ErrorDescription ?? "invalid");
        }

        var result = await tokens.ValidateAsync(read.Token!, Context.RequestAborted);
        if (result.Identity is not { } identity)
        {
            return AuthenticateResult.Fail(result.ErrorDescription ?? "invalid");
        }

        var claims = new ClaimsIdentity(Scheme.Name, "name", "role");
        claims.AddClaim(new Claim("sub", identity.Subject));
        if (identity.Name is not null)
        {
            claims.AddClaim(new Claim("name", identity.Name));
        }

        foreach (var scope in identity.Scopes)
        {
            claims.AddClaim(new Claim("scope", scope));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(claims), Scheme.Name));
    }
}

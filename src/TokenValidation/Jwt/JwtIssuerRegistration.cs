namespace TokenValidation.Jwt;

/// <summary>One trusted JWT issuer, built from its options when the router is first used (so start-up validation runs first).</summary>
internal sealed record JwtIssuerRegistration(Func<IServiceProvider, JwtIssuer> Build);

namespace TokenValidation;

/// <summary>One claim of a validated identity. A multi-valued claim is several <see cref="TokenClaim"/>s with one type.</summary>
/// <param name="Type">The claim type, as the issuer named it (for example <c>org_id</c>).</param>
/// <param name="Value">The value; JSON numbers and booleans as their JSON text, objects as raw JSON.</param>
public readonly record struct TokenClaim(string Type, string Value);

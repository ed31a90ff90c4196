namespace TokenValidation.AspNetCore.DependencyInjection;

/// <summary>Marks a scheme <c>AddMcpBearer</c> has already registered, so a second call does not register it again.</summary>
internal sealed record McpBearerSchemeRegistration(string Scheme);

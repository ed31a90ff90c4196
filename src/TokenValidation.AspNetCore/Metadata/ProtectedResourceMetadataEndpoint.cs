using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Challenges;
using TokenValidation.AspNetCore.Cors;
using TokenValidation.AuthKit;
using TokenValidation.Introspection;
using TokenValidation.Jwt;

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>Answers <c>GET</c>, <c>HEAD</c> and <c>OPTIONS</c> on both Protected Resource Metadata paths.</summary>
internal sealed class ProtectedResourceMetadataEndpoint(string scheme)
{
    public const string AllowedMethods = "GET, HEAD, OPTIONS";

    public Task HandleAsync(HttpContext context)
    {
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            CorsHeaders.WritePreflight(context, AllowedMethods);
            return Task.CompletedTask;
        }

        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(scheme);
        var authorizationServers = AuthorizationServers(services);
        var document = new ProtectedResourceMetadata
        {
            Resource = options.Resource!,

            // Written exactly as configured: clients compare each with the server's issuer character by character.
            AuthorizationServers = authorizationServers.Length == 0 ? null : authorizationServers,
            ScopesSupported = ScopesSupported(options.Scopes),
            ResourceName = string.IsNullOrEmpty(options.ResourceName) ? null : options.ResourceName,
            ResourceDocumentation = string.IsNullOrEmpty(options.ResourceDocumentation) ? null : options.ResourceDocumentation,
        };

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(document, MetadataJsonContext.Default.ProtectedResourceMetadata);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "public, max-age=3600";
        CorsHeaders.ApplyToMetadata(response);
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    // offline_access is asked of the authorization server for a refresh token; this resource never requires it.
    // Every issuer whose tokens this server accepts, in a fixed order: AuthKit, then the JWT issuer, then the
    // introspection issuer (each is set only when its Add… bound it).
    private static string[] AuthorizationServers(IServiceProvider services) =>
    [
        .. new[]
        {
            services.GetService<IOptions<AuthKitOptions>>()?.Value.Authority,
            services.GetService<IOptions<JwtOptions>>()?.Value.Issuer,
            services.GetService<IOptions<IntrospectionOptions>>()?.Value.Issuer,
        }
        .Where(issuer => !string.IsNullOrEmpty(issuer))
        .Distinct(StringComparer.Ordinal)!,
    ];

    private static string[]? ScopesSupported(IList<string> scopes)
    {
        string[] published = [.. scopes.Where(s => !BearerChallenge.IsOfflineAccess(s))];
        return published.Length == 0 ? null : published;
    }
}

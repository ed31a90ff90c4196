using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore;
using TokenValidation.AspNetCore.Metadata;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OAuth discovery documents an MCP server publishes.</summary>
public static class McpMetadataEndpointRouteBuilderExtensions
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Options];

    // Lets routing send a CORS preflight here even when the application has no CORS middleware.
    // Stryker disable once Boolean : OPTIONS is among the mapped methods, so routing matches a preflight either way.
    private static readonly HttpMethodMetadata PreflightMethods = new(Methods, acceptCorsPreflight: true);

    /// <summary>
    /// Maps RFC 9728 Protected Resource Metadata at <c>/.well-known/oauth-protected-resource</c> and at the path-inserted
    /// <c>/.well-known/oauth-protected-resource/&lt;resource path&gt;</c> (for example <c>…/mcp</c>), both answering the
    /// same document, anonymously, with <c>Cache-Control: public, max-age=3600</c>, <c>Access-Control-Allow-Origin: *</c>
    /// and <c>OPTIONS</c> preflight. Paths are matched after <c>UsePathBase</c>, whose prefix the well-known paths do not carry.
    /// </summary>
    public static IEndpointConventionBuilder MapProtectedResourceMetadata(this IEndpointRouteBuilder endpoints, string authenticationScheme = McpBearerDefaults.AuthenticationScheme)
    {
        // Stryker disable once Statement : MapGroup in Map throws the same ArgumentNullException for endpoints.
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = new ProtectedResourceMetadataEndpoint(authenticationScheme);
        return Map(endpoints, authenticationScheme, McpBearerDefaults.ProtectedResourceMetadataPath, endpoint.HandleAsync, "MCP Protected Resource Metadata");
    }

    /// <summary>
    /// Maps <c>/.well-known/oauth-authorization-server</c> and its path-inserted form for clients that look for the
    /// authorization server on the MCP server's origin: a 308 to the AuthKit authority's own metadata, or with
    /// <see cref="AuthorizationServerMetadataMode.Proxy"/> a copy fetched from it and cached. Anonymous.
    /// </summary>
    public static IEndpointConventionBuilder MapAuthorizationServerMetadata(this IEndpointRouteBuilder endpoints, string authenticationScheme = McpBearerDefaults.AuthenticationScheme)
    {
        // Stryker disable once Statement : MapGroup in Map throws the same ArgumentNullException for endpoints.
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = new AuthorizationServerMetadataEndpoint(authenticationScheme);
        return Map(endpoints, authenticationScheme, McpBearerDefaults.AuthorizationServerMetadataPath, endpoint.HandleAsync, "OAuth Authorization Server Metadata");
    }

    private static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string scheme, string wellKnownPath, RequestDelegate handler, string displayName)
    {
        var group = endpoints.MapGroup("");
        MapOne(group, wellKnownPath, handler, displayName);
        var resourcePath = ResourcePath(endpoints.ServiceProvider, scheme);
        if (resourcePath.Length > 0)
        {
            MapOne(group, wellKnownPath + resourcePath, handler, displayName + " (path-inserted)");
        }

        group.AllowAnonymous();
        return group;
    }

    private static void MapOne(RouteGroupBuilder group, string pattern, RequestDelegate handler, string displayName) =>
        group.MapMethods(pattern, Methods, handler)
            .WithDisplayName(displayName)
            .WithMetadata(PreflightMethods);

    // The route pattern of the resource's path: decoded as routing matches it, braces escaped as literals.
    private static string ResourcePath(IServiceProvider services, string scheme)
    {
        McpBearerOptions options;
        try
        {
            options = services.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(scheme);
        }
        catch (OptionsValidationException)
        {
            // Start-up validation reports the bad key; mapping the root path alone meanwhile is harmless.
            // Stryker disable once String : the application does not start with these options, so no extra route is ever served.
            return "";
        }

        var path = options.ResolvedResource?.Path ?? "";
        return Uri.UnescapeDataString(path).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
    }
}

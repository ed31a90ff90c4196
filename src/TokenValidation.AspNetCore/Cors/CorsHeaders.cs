using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace TokenValidation.AspNetCore.Cors;

/// <summary>
/// The CORS headers this package writes itself, so browser-based MCP clients can read challenges and metadata without
/// the application configuring CORS. An application CORS policy that runs later overrides them.
/// </summary>
internal static class CorsHeaders
{
    private const string ExposedOnChallenge = "WWW-Authenticate";
    private const string ExposedOnUnavailable = "WWW-Authenticate, Retry-After";

    /// <summary>On an error answer: <c>Access-Control-Allow-Origin</c> (unless already set) and <c>Access-Control-Expose-Headers</c>.</summary>
    public static void ApplyToError(HttpResponse response, string? allowedOrigin, bool exposeRetryAfter)
    {
        if (string.IsNullOrEmpty(allowedOrigin))
        {
            return;
        }

        var headers = response.Headers;
        if (StringValues.IsNullOrEmpty(headers.AccessControlAllowOrigin))
        {
            headers.AccessControlAllowOrigin = allowedOrigin;
        }

        // Retry-After is not a CORS-safelisted response header either, so a 503 exposes it too.
        headers.AccessControlExposeHeaders = exposeRetryAfter ? ExposedOnUnavailable : ExposedOnChallenge;
    }

    /// <summary>On a public metadata answer: <c>Access-Control-Allow-Origin: *</c>.</summary>
    public static void ApplyToMetadata(HttpResponse response) => response.Headers.AccessControlAllowOrigin = "*";

    /// <summary>Answers an <c>OPTIONS</c> request (CORS preflight or not) with 204 and what the metadata endpoints allow.</summary>
    public static void WritePreflight(HttpContext context, string allowedMethods)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status204NoContent;
        var headers = response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = allowedMethods;
        headers.Allow = allowedMethods;

        // Echoing the requested headers admits MCP-Protocol-Version and whatever else the client sends.
        var requested = context.Request.Headers.AccessControlRequestHeaders;
        if (!StringValues.IsNullOrEmpty(requested))
        {
            headers.AccessControlAllowHeaders = requested;
        }

        headers.AccessControlMaxAge = "86400";
        headers.Append(HeaderNames.Vary, "Access-Control-Request-Headers");
    }
}

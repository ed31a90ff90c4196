using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Cors;

namespace TokenValidation.AspNetCore.Challenges;

/// <summary>Writes a 400/401/403/503 answer: status, <c>WWW-Authenticate</c>, <c>Retry-After</c>, CORS headers and the JSON-RPC body.</summary>
internal static class McpErrorResponse
{
    public static Task WriteAsync(HttpResponse response, int statusCode, string? wwwAuthenticate, TimeSpan? retryAfter, string message, string? allowedOrigin)
    {
        response.StatusCode = statusCode;
        var headers = response.Headers;
        if (wwwAuthenticate is not null)
        {
            headers.Append(Microsoft.Net.Http.Headers.HeaderNames.WWWAuthenticate, wwwAuthenticate);
        }

        if (retryAfter is { } delay)
        {
            headers.RetryAfter = RetryAfterSeconds(delay).ToString(CultureInfo.InvariantCulture);
        }

        CorsHeaders.ApplyToError(response, allowedOrigin, exposeRetryAfter: retryAfter is not null);

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new JsonRpcErrorResponse(message), ChallengeJsonContext.Default.JsonRpcErrorResponse);
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(response.HttpContext.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, response.HttpContext.RequestAborted).AsTask();
    }

    /// <summary>Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3 delay-seconds).</summary>
    public static long RetryAfterSeconds(TimeSpan delay) => Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds));
}

using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore;

/// <summary>Why authentication failed, kept by the handler so the challenge can answer 400, 401 or 503.</summary>
internal sealed record McpBearerFailure(int StatusCode, string? Error, string Description, TimeSpan? RetryAfter = null)
{
    public static McpBearerFailure InvalidRequest(string description) =>
        new(StatusCodes.Status400BadRequest, TokenErrors.InvalidRequest, description);

    public static McpBearerFailure InvalidToken(string description) =>
        new(StatusCodes.Status401Unauthorized, TokenErrors.InvalidToken, description);

    public static McpBearerFailure Unavailable(string description, TimeSpan? retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, null, description, retryAfter);
}

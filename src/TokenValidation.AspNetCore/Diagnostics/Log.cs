using Microsoft.Extensions.Logging;

namespace TokenValidation.AspNetCore.Diagnostics;

// Never a token here; per-request outcomes are Debug because the base handler and the core already log them higher.
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Bearer token accepted (source {Source})")]
    public static partial void TokenAccepted(ILogger logger, string source);

    [LoggerMessage(101, LogLevel.Debug, "Bearer token rejected with {Error}: {Description}")]
    public static partial void TokenRejected(ILogger logger, string? error, string description);

    [LoggerMessage(102, LogLevel.Debug, "Bearer token could not be checked ({Description}); answering 503, retry after {RetryAfterSeconds} s")]
    public static partial void ValidationUnavailable(ILogger logger, string description, long retryAfterSeconds);

    [LoggerMessage(103, LogLevel.Information, "Token rejected by the OnTokenValidated event: {Description}")]
    public static partial void RejectedByEvent(ILogger logger, string description);

    [LoggerMessage(104, LogLevel.Debug, "Forbidden: the token lacks required scopes {MissingScopes}")]
    public static partial void InsufficientScope(ILogger logger, string missingScopes);

    [LoggerMessage(110, LogLevel.Warning, "Authorization server metadata could not be fetched from {MetadataUrl}: {Reason}")]
    public static partial void MetadataFetchFailed(ILogger logger, string metadataUrl, string reason);
}

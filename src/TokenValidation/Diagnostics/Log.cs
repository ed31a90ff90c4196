using Microsoft.Extensions.Logging;
using TokenValidation.Caching;

namespace TokenValidation.Diagnostics;

// Every message names a token only by the first 8 hex digits of its SHA-256, never the token.
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Token {TokenHash} rejected before dispatch: {Reason}")]
    public static partial void TokenRejected(ILogger logger, string tokenHash, string reason);

    [LoggerMessage(2, LogLevel.Debug, "Token {TokenHash} validated by {Validator}: {Outcome}")]
    public static partial void Validated(ILogger logger, TokenHash tokenHash, string validator, TokenValidationOutcome outcome);

    // The exception is logged as redacted text, not as an exception: an application validator may have put the token in its message.
    [LoggerMessage(3, LogLevel.Warning, "Validator {Validator} threw for token {TokenHash}; answering Unavailable: {Exception}")]
    public static partial void ValidatorThrew(ILogger logger, string validator, string tokenHash, string exception);

    [LoggerMessage(4, LogLevel.Warning, "Identity enrichment failed for token {TokenHash}; answering Unavailable")]
    public static partial void EnricherThrew(ILogger logger, Exception exception, string tokenHash);

    [LoggerMessage(5, LogLevel.Warning, "Upstream bulkhead for {Validator} full ({Limit} calls in flight); answering Unavailable")]
    public static partial void BulkheadFull(ILogger logger, string validator, int limit);

    [LoggerMessage(6, LogLevel.Debug, "Token {TokenHash} answered 429: its client exceeded its limit on new tokens (retry after {RetryAfter})")]
    public static partial void MissRateLimited(ILogger logger, string tokenHash, TimeSpan retryAfter);

    // Once per outage: the first stale answer logs, the rest are the stale_served metric.
    [LoggerMessage(7, LogLevel.Warning, "{Validator} is unavailable: serving expired valid answers up to {Window} past their lifetime (stale if error) until it answers again")]
    public static partial void ServingStale(ILogger logger, string validator, TimeSpan window);

    [LoggerMessage(8, LogLevel.Information, "The issuer is answering again: no more stale answers")]
    public static partial void StaleServingEnded(ILogger logger);

    [LoggerMessage(10, LogLevel.Warning, "Userinfo call for token {TokenHash} failed: {Reason}")]
    public static partial void UserInfoUnavailable(ILogger logger, string tokenHash, string reason);

    [LoggerMessage(11, LogLevel.Debug, "Userinfo rejected token {TokenHash} with HTTP {StatusCode}")]
    public static partial void UserInfoRejected(ILogger logger, string tokenHash, int statusCode);

    [LoggerMessage(12, LogLevel.Error, "AuthKit discovery failed at {MetadataUrl}: {Reason}")]
    public static partial void DiscoveryFailed(ILogger logger, string metadataUrl, string reason);

    [LoggerMessage(13, LogLevel.Debug, "Token {TokenHash} answered Unavailable without calling AuthKit: its circuit is open (retry after {RetryAfter})")]
    public static partial void UserInfoCircuitOpen(ILogger logger, string tokenHash, TimeSpan? retryAfter);

    [LoggerMessage(14, LogLevel.Debug, "{Source} attempt failed ({Reason}); retry {Attempt} in {Delay}")]
    public static partial void UpstreamRetrying(ILogger logger, string source, string reason, int attempt, TimeSpan delay);

    // Transitions are logged once each, so an outage is a handful of lines, not one per request.
    [LoggerMessage(15, LogLevel.Warning, "{Source} circuit opened after repeated failures (last: {Reason}); its calls answer Unavailable without reaching the issuer for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string source, TimeSpan breakDuration, string reason);

    [LoggerMessage(16, LogLevel.Information, "{Source} circuit half-open: the next call probes the issuer")]
    public static partial void CircuitHalfOpened(ILogger logger, string source);

    [LoggerMessage(17, LogLevel.Information, "{Source} circuit closed: the issuer is answering again")]
    public static partial void CircuitClosed(ILogger logger, string source);

    [LoggerMessage(20, LogLevel.Debug, "API key {KeyName} rejected for token {TokenHash}: {Reason}")]
    public static partial void ApiKeyRejected(ILogger logger, string keyName, string tokenHash, string reason);

    [LoggerMessage(30, LogLevel.Warning, "Distributed cache {Operation} failed; treating it as a miss ({ConsecutiveFailures} in a row)")]
    public static partial void DistributedCacheFailed(ILogger logger, Exception? exception, string operation, int consecutiveFailures);

    [LoggerMessage(31, LogLevel.Warning, "Distributed cache failed {ConsecutiveFailures} times in a row; skipping it for {Cooldown}")]
    public static partial void DistributedCacheCoolingDown(ILogger logger, int consecutiveFailures, TimeSpan cooldown);

    [LoggerMessage(32, LogLevel.Information, "Distributed cache is answering again")]
    public static partial void DistributedCacheRecovered(ILogger logger);

    [LoggerMessage(33, LogLevel.Warning, "Distributed cache value for token {TokenHash} could not be read; treating it as a miss")]
    public static partial void DistributedCacheUnreadable(ILogger logger, string tokenHash);
}

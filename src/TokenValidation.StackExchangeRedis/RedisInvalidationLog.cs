using Microsoft.Extensions.Logging;

namespace TokenValidation.StackExchangeRedis;

/// <summary>The channel's logs: never a token, at most the first 8 hex digits of its hash.</summary>
internal static partial class RedisInvalidationLog
{
    [LoggerMessage(700, LogLevel.Warning, "Redis invalidation channel {Channel} could not subscribe; other replicas' invalidations reach this one after reconnecting, until then the L1 lifetime bounds them")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(701, LogLevel.Warning, "Redis invalidation of {TokenHash} could not be published on {Channel} ({Failures} consecutive failures); other replicas keep their entry for at most the L1 lifetime")]
    public static partial void PublishFailed(ILogger logger, Exception exception, string tokenHash, string channel, int failures);

    [LoggerMessage(702, LogLevel.Information, "Redis invalidation channel {Channel} publishes again after {Failures} failures")]
    public static partial void PublishRecovered(ILogger logger, string channel, int failures);

    [LoggerMessage(703, LogLevel.Debug, "Redis invalidation of {TokenHash} received on {Channel}")]
    public static partial void Received(ILogger logger, string tokenHash, string channel);

    [LoggerMessage(704, LogLevel.Warning, "Redis invalidation subscriber threw for {TokenHash}")]
    public static partial void SubscriberThrew(ILogger logger, Exception exception, string tokenHash);
}

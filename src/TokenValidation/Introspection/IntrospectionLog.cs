using Microsoft.Extensions.Logging;

namespace TokenValidation.Introspection;

// Event ids 350–399. Messages name a token only by the first 8 hex digits of its SHA-256; never the token, never the
// client secret. URLs and configuration keys are configuration, not secrets.
internal static partial class IntrospectionLog
{
    [LoggerMessage(350, LogLevel.Error, "The introspection endpoint {Endpoint} refused this server's client credentials (HTTP {StatusCode}); introspected tokens are Unavailable until {ClientIdKey} and {ClientSecretKey} (sent by {ClientAuthentication}) are fixed")]
    public static partial void CredentialsRefused(ILogger logger, string endpoint, int statusCode, string clientIdKey, string clientSecretKey, IntrospectionClientAuthentication clientAuthentication);

    [LoggerMessage(351, LogLevel.Warning, "Introspection of token {TokenHash} failed: {Reason}")]
    public static partial void Unavailable(ILogger logger, string tokenHash, string reason);

    [LoggerMessage(352, LogLevel.Debug, "Introspected token {TokenHash} rejected: {Reason}")]
    public static partial void TokenRejected(ILogger logger, string tokenHash, string reason);

    [LoggerMessage(353, LogLevel.Information, "Introspection endpoint of {Issuer} discovered at {Endpoint}")]
    public static partial void EndpointDiscovered(ILogger logger, string issuer, string endpoint);

    [LoggerMessage(354, LogLevel.Error, "No introspection endpoint found for {Issuer}: {Reason}; set {EndpointKey} or fix the issuer's metadata")]
    public static partial void DiscoveryFailed(ILogger logger, string issuer, string reason, string endpointKey);

    [LoggerMessage(355, LogLevel.Debug, "Token {TokenHash} answered Unavailable without calling the introspection endpoint: its circuit is open (retry after {RetryAfter})")]
    public static partial void CircuitOpen(ILogger logger, string tokenHash, TimeSpan? retryAfter);
}

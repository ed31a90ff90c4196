using Microsoft.Extensions.Logging;

namespace TokenValidation.Jwt;

// Event ids 300–349. Messages name a token only by the first 8 hex digits of its SHA-256; URLs are configuration, not secrets.
internal static partial class JwtLog
{
    [LoggerMessage(300, LogLevel.Information, "Fetched {KeyCount} signing keys for issuer {Issuer} from {JwksUri}")]
    public static partial void KeysFetched(ILogger logger, int keyCount, string issuer, string jwksUri);

    [LoggerMessage(301, LogLevel.Warning, "The signing keys of issuer {Issuer} could not be fetched: {Reason}")]
    public static partial void KeysUnavailable(ILogger logger, string issuer, string reason);

    [LoggerMessage(302, LogLevel.Warning, "The signing keys of issuer {Issuer} could not be refreshed ({Reason}); keeping the {KeyCount} keys fetched before")]
    public static partial void KeysKeptAfterFailedRefresh(ILogger logger, string issuer, string reason, int keyCount);

    [LoggerMessage(303, LogLevel.Debug, "JWT {TokenHash} from {Issuer} rejected: {Reason}")]
    public static partial void TokenRejected(ILogger logger, string tokenHash, string issuer, string reason);
}

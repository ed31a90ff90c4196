using Microsoft.Extensions.Logging;

namespace TokenValidation.AspNetCore.LoginBridge;

// Never the API key, the external_auth_id, the redirect_uri (it carries AuthKit's state) or anything about the user.
internal static partial class AuthKitLoginLog
{
    [LoggerMessage(200, LogLevel.Debug, "Login URI request refused: external_auth_id {Problem}")]
    public static partial void InvalidExternalAuthId(ILogger logger, string problem);

    [LoggerMessage(201, LogLevel.Debug, "Login URI: nobody is signed in; challenging scheme {Scheme}")]
    public static partial void Challenged(ILogger logger, string scheme);

    [LoggerMessage(202, LogLevel.Debug, "Login URI: confirmation page shown")]
    public static partial void ConfirmationShown(ILogger logger);

    [LoggerMessage(203, LogLevel.Information, "Login URI: confirmation refused, its antiforgery token is missing or invalid")]
    public static partial void AntiforgeryFailed(ILogger logger);

    [LoggerMessage(204, LogLevel.Information, "Login URI: the user factory returned no user; answering 403")]
    public static partial void NoUser(ILogger logger);

    [LoggerMessage(205, LogLevel.Information, "AuthKit sign-in completed; redirecting to {AuthorityHost}")]
    public static partial void Completed(ILogger logger, string authorityHost);

    [LoggerMessage(206, LogLevel.Warning, "AuthKit refused the sign-in completion with HTTP {StatusCode}")]
    public static partial void Refused(ILogger logger, int statusCode);

    [LoggerMessage(207, LogLevel.Error, "AuthKit refused the API key with HTTP {StatusCode}: check {ApiKeySetting}")]
    public static partial void KeyRejected(ILogger logger, int statusCode, string apiKeySetting);

    [LoggerMessage(208, LogLevel.Warning, "AuthKit sign-in completion unavailable ({Reason}); answering 503")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(209, LogLevel.Error, "AuthKit's completion answer (HTTP {StatusCode}) has no redirect_uri that is absolute {Scheme} on {AuthorityHost}; not redirecting")]
    public static partial void UnsafeRedirect(ILogger logger, int statusCode, string scheme, string authorityHost);

    [LoggerMessage(210, LogLevel.Debug, "AuthKit completion call could not connect ({Error}); the request never left, trying once more")]
    public static partial void CompletionRetriedUnsent(ILogger logger, string error);
}

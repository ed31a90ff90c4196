using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// The Login URI, top to bottom: check <c>external_auth_id</c>; make sure the user is signed in with the
/// application's own scheme; on GET show the confirmation page; on its POST (antiforgery checked) call AuthKit's
/// completion API and send the browser to the <c>redirect_uri</c> it returns, if that is on the authority's host.
/// </summary>
internal static class AuthKitLoginEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<AuthKitLoginOptions>>().Value;
        var pages = services.GetRequiredService<IAuthKitLoginPages>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthKitLoginEndpoint).FullName!);
        var authority = new Uri(options.Authority!);
        string app = options.ApplicationName ?? "this application";

        var ids = context.Request.Query[AuthKitLoginDefaults.ExternalAuthIdParameter];
        string? problem = ids.Count > 1 ? "repeated" : ExternalAuthId.Problem(ids.ToString());
        if (problem is not null)
        {
            AuthKitLoginLog.InvalidExternalAuthId(logger, problem);
            await WriteProblemAsync(context, pages, authority, new(
                StatusCodes.Status400BadRequest,
                "This connection link is not valid",
                "It is missing its external_auth_id, or it was altered. Go back to your MCP client and start connecting again."));
            return;
        }

        // The id has only URL-safe characters, so this is the request's own URL with nothing else carried along.
        string self = context.Request.PathBase + context.Request.Path + "?" + AuthKitLoginDefaults.ExternalAuthIdParameter + "=" + ids;
        var signIn = await context.AuthenticateAsync(options.SignInScheme);
        if (!signIn.Succeeded || signIn.Principal.Identity?.IsAuthenticated != true)
        {
            AuthKitLoginLog.Challenged(logger, options.SignInScheme);
            await context.ChallengeAsync(options.SignInScheme, new AuthenticationProperties { RedirectUri = self });
            return;
        }

        // Antiforgery tokens are bound to context.User; the endpoint's default scheme is usually the MCP bearer one.
        context.User = signIn.Principal;
        var user = await services.GetRequiredService<IAuthKitUserFactory>().CreateUserAsync(signIn.Principal, context, context.RequestAborted);
        if (user is null)
        {
            AuthKitLoginLog.NoUser(logger);
            await WriteProblemAsync(context, pages, authority, new(
                StatusCodes.Status403Forbidden,
                "This account cannot be connected",
                $"Your account in {app} cannot be connected to an MCP client. Contact {app}'s support if you think it should."));
            return;
        }

        var antiforgery = services.GetRequiredService<IAntiforgery>();
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            SetPageHeaders(context, authority);
            AuthKitLoginLog.ConfirmationShown(logger);
            await pages.WriteConfirmationAsync(context, new AuthKitLoginConfirmation(app, user, self, tokens.FormFieldName, tokens.RequestToken!));
            return;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            AuthKitLoginLog.AntiforgeryFailed(logger);
            await WriteProblemAsync(context, pages, authority, new(
                StatusCodes.Status400BadRequest,
                "This confirmation could not be accepted",
                "It expired, or it was not sent from this page. Go back to your MCP client and start connecting again."));
            return;
        }

        var outcome = await services.GetRequiredService<AuthKitCompletionClient>().CompleteAsync(ids.ToString(), user, context.RequestAborted);
        await AnswerAsync(context, pages, logger, options, authority, app, self, outcome);
    }

    private static Task AnswerAsync(
        HttpContext context,
        IAuthKitLoginPages pages,
        ILogger logger,
        AuthKitLoginOptions options,
        Uri authority,
        string app,
        string self,
        CompletionOutcome outcome)
    {
        switch (outcome.Status)
        {
            case CompletionStatus.Completed when CompletionRedirect.IsAllowed(outcome.RedirectUri, authority, options.AllowHttp):
                AuthKitLoginLog.Completed(logger, authority.Host);
                SetPageHeaders(context, authority);
                context.Response.Redirect(outcome.RedirectUri!);
                return Task.CompletedTask;

            case CompletionStatus.Completed or CompletionStatus.BadAnswer:
                AuthKitLoginLog.UnsafeRedirect(logger, outcome.HttpStatus, options.AllowHttp ? "http(s)" : "https", authority.Host);
                return WriteProblemAsync(context, pages, authority, new(
                    StatusCodes.Status502BadGateway,
                    "AuthKit's answer could not be used",
                    $"{app} did not send you on, because AuthKit's answer did not lead back to AuthKit. Start connecting again from your MCP client; if this keeps happening, contact {app}'s support."));

            case CompletionStatus.KeyRejected:
                AuthKitLoginLog.KeyRejected(logger, outcome.HttpStatus, "TokenValidation:" + AuthKitLoginDefaults.SectionName + ":ApiKey");
                return WriteProblemAsync(context, pages, authority, new(
                    StatusCodes.Status400BadRequest,
                    "The connection could not be completed",
                    $"AuthKit did not accept {app}'s credentials, so your MCP client cannot be connected right now. This is not something you can fix: contact {app}'s support."));

            case CompletionStatus.Refused:
                AuthKitLoginLog.Refused(logger, outcome.HttpStatus);
                return WriteProblemAsync(context, pages, authority, new(
                    StatusCodes.Status400BadRequest,
                    "AuthKit could not complete the connection",
                    "The connection request may have expired or already been used, or your email address may already belong to another account. "
                    + "Start connecting again from your MCP client; if this keeps happening, contact " + app + "'s support."
                    + (outcome.Message is { Length: > 0 } message ? " AuthKit said: " + message : "")));

            default:
                AuthKitLoginLog.Unavailable(logger, outcome.Message ?? "unknown");
                return WriteProblemAsync(context, pages, authority, new(
                    StatusCodes.Status503ServiceUnavailable,
                    "AuthKit could not be reached",
                    $"You are signed in to {app}, but AuthKit did not answer in time to finish connecting your MCP client. Try again in a moment.",
                    self));
        }
    }

    private static Task WriteProblemAsync(HttpContext context, IAuthKitLoginPages pages, Uri authority, AuthKitLoginProblem problem)
    {
        context.Response.StatusCode = problem.StatusCode;
        SetPageHeaders(context, authority);
        return pages.WriteProblemAsync(context, problem);
    }

    // Never cached or framed (a framed confirmation could be clicked through); the URL carries the external_auth_id, so
    // no Referer leaves with it. The form may post here and be redirected on to AuthKit (browsers apply form-action to that).
    private static void SetPageHeaders(HttpContext context, Uri authority)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self' "
            + authority.GetLeftPart(UriPartial.Authority);
    }
}

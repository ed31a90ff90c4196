using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Authorization;
using TokenValidation.AspNetCore.Challenges;
using TokenValidation.AspNetCore.Diagnostics;
using TokenValidation.Parsing;

namespace TokenValidation.AspNetCore;

/// <summary>
/// Authenticates MCP requests by their <c>Authorization: Bearer</c> token through <see cref="ITokenValidationService"/>,
/// and answers challenges the way MCP clients expect (CONTRACT §8). Thin: the decisions live in the options and events.
/// </summary>
public class McpBearerHandler : AuthenticationHandler<McpBearerOptions>
{
    private const string AuthenticationRequired = "Authentication required: send an OAuth access token in the Authorization header.";
    private const string Forbidden = "The caller is not allowed to use this endpoint.";

    private readonly ITokenValidationService _validation;
    private readonly TokenValidationOptions _validationOptions;
    private McpBearerFailure? _failure;

    /// <summary>Creates the handler (one per request).</summary>
    public McpBearerHandler(
        IOptionsMonitor<McpBearerOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        ITokenValidationService validation,
        IOptions<TokenValidationOptions> validationOptions)
        : base(options, logger, encoder)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(validationOptions);
        _validation = validation;
        _validationOptions = validationOptions.Value;
    }

    /// <summary>The events; see <see cref="McpBearerEvents"/>.</summary>
    protected new McpBearerEvents Events
    {
        get => (McpBearerEvents)base.Events!;
        set => base.Events = value;
    }

    /// <inheritdoc />
    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new McpBearerEvents());

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var read = BearerTokenReader.Read(Request.Headers.Authorization, _validationOptions.MaxTokenLength);
        switch (read.Status)
        {
            case BearerTokenStatus.Missing:
                return AuthenticateResult.NoResult();
            case BearerTokenStatus.Malformed:
                return Fail(McpBearerFailure.InvalidRequest(read.ErrorDescription!));
            case BearerTokenStatus.InvalidToken:
                return Fail(McpBearerFailure.InvalidToken(read.ErrorDescription!));
        }

        // The remote address partitions the per-client limit on new tokens (behind a proxy: apply forwarded headers).
        var result = await _validation.ValidateForClientAsync(read.Token!, Context.Connection.RemoteIpAddress, Context.RequestAborted).ConfigureAwait(false);
        return result.Outcome switch
        {
            TokenValidationOutcome.Unavailable when result.IsRateLimited =>
                Fail(new McpBearerFailure(StatusCodes.Status429TooManyRequests, null, result.ErrorDescription ?? "Too many new tokens from this client.", result.RetryAfter)),
            TokenValidationOutcome.Valid => await ValidatedAsync(result.Identity!).ConfigureAwait(false),
            TokenValidationOutcome.Invalid when result.Error == TokenErrors.InvalidRequest =>
                Fail(McpBearerFailure.InvalidRequest(result.ErrorDescription ?? "The request is malformed.")),
            TokenValidationOutcome.Invalid =>
                Fail(McpBearerFailure.InvalidToken(result.ErrorDescription ?? "The access token is invalid.")),
            _ => Fail(McpBearerFailure.Unavailable(result.ErrorDescription ?? "The access token could not be checked.", result.RetryAfter)),
        };
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var authenticated = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var failure = _failure;
        var scope = await ChallengeScopeAsync().ConfigureAwait(false);
        var context = new McpBearerChallengeContext(Context, Scheme, Options, properties)
        {
            AuthenticateFailure = authenticated.Failure,
            StatusCode = failure?.StatusCode ?? StatusCodes.Status401Unauthorized,
            Error = failure?.Error,
            ErrorDescription = failure?.Error is null ? null : failure.Description,
            Message = failure?.Description ?? AuthenticationRequired,
            Scope = scope,
            ResourceMetadata = Options.ResourceMetadataUrl,
            RetryAfter = failure?.StatusCode is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests
                ? failure.RetryAfter ?? TimeSpan.FromSeconds(_validationOptions.DefaultRetryAfterSeconds)
                : null,
        };

        await Events.Challenge(context).ConfigureAwait(false);
        if (context.Handled)
        {
            return;
        }

        if (context.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            Log.ValidationUnavailable(Logger, context.Message ?? "", McpErrorResponse.RetryAfterSeconds(context.RetryAfter ?? TimeSpan.Zero));
        }

        // A 503 or 429 is not a statement about the token, so it carries no Bearer challenge a client could act on.
        string? challenge = context.StatusCode is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests
            ? null
            : BearerChallenge.Build(context.Error, context.ErrorDescription, context.Scope, context.ResourceMetadata);
        await McpErrorResponse.WriteAsync(Response, context.StatusCode, challenge, context.RetryAfter, context.Message ?? AuthenticationRequired, Options.AllowedOrigin).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var authenticated = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var principal = authenticated.Principal ?? Context.User;
        var required = properties.GetParameter<string[]>(McpBearerDefaults.RequiredScopesParameter) is { Length: > 0 } given
            ? given
            : await EndpointScopes.GetRequiredAsync(Context).ConfigureAwait(false);
        var granted = EndpointScopes.Granted(principal);
        string[] missing = EndpointScopes.Missing(required, granted, Options.ImpliedScopes);
        var context = new McpBearerForbiddenContext(Context, Scheme, Options, properties)
        {
            Principal = principal,
            RequiredScopes = required,
            GrantedScopes = granted,
            MissingScopes = missing,
            Error = missing.Length > 0 ? TokenErrors.InsufficientScope : null,

            // Needed first, then what the token has, so a step-up authorization does not lose the scopes already granted.
            Scope = missing.Length > 0 ? string.Join(' ', required.Concat(granted).Distinct(StringComparer.Ordinal)) : null,
            ResourceMetadata = Options.ResourceMetadataUrl,
            Message = missing.Length > 0 ? "Insufficient scope: this endpoint requires " + string.Join(' ', required) + "." : Forbidden,
        };

        await Events.Forbidden(context).ConfigureAwait(false);
        if (context.Handled)
        {
            return;
        }

        if (missing.Length > 0)
        {
            Log.InsufficientScope(Logger, string.Join(' ', missing));
        }

        // Only a missing scope earns insufficient_scope: on any other refusal a client would step up in vain.
        string? challenge = context.Error is null ? null : BearerChallenge.Build(context.Error, null, context.Scope, context.ResourceMetadata);
        await McpErrorResponse.WriteAsync(Response, StatusCodes.Status403Forbidden, challenge, null, context.Message ?? Forbidden, Options.AllowedOrigin).ConfigureAwait(false);
    }

    private async Task<AuthenticateResult> ValidatedAsync(TokenIdentity identity)
    {
        var context = new McpBearerTokenValidatedContext(Context, Scheme, Options, identity)
        {
            Principal = McpPrincipalFactory.Create(identity, Scheme.Name),
        };

        await Events.TokenValidated(context).ConfigureAwait(false);
        if (context.Result is { } decided)
        {
            if (decided.Failure is { } failure)
            {
                Log.RejectedByEvent(Logger, failure.Message);
                _failure = McpBearerFailure.InvalidToken(failure.Message);
            }

            return decided;
        }

        Log.TokenAccepted(Logger, identity.Source);
        context.Success();
        return context.Result!;
    }

    private AuthenticateResult Fail(McpBearerFailure failure)
    {
        _failure = failure;
        if (failure.Error is not null)
        {
            Log.TokenRejected(Logger, failure.Error, failure.Description);
        }

        return AuthenticateResult.Fail(failure.Description);
    }

    private async Task<string?> ChallengeScopeAsync()
    {
        var required = await EndpointScopes.GetRequiredAsync(Context).ConfigureAwait(false);
        var scopes = required.Count > 0 ? required : (IEnumerable<string>)Options.Scopes;
        string scope = string.Join(' ', scopes);
        return scope.Length == 0 ? null : scope;
    }
}

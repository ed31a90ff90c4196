using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using TokenValidation.Audience;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Resilience;
using TokenValidation.Upstream;

namespace TokenValidation.Introspection;

/// <summary>
/// Checks an opaque access token by asking its authorization server (RFC 7662): a form POST of <c>token</c> and
/// <c>token_type_hint=access_token</c>, authenticated with this server's client credentials. Only a 200 JSON object with
/// a boolean <c>active</c> is an answer (<see cref="IntrospectionAnswer"/> decides it); a 401/403 means our own
/// credentials are wrong, so the caller gets Unavailable (never <c>invalid_token</c>) and the operator an error log.
/// </summary>
internal sealed class IntrospectionValidator : ITokenValidator
{
    /// <summary>The named client that calls the introspection endpoint and reads the metadata; the application may add handlers to it.</summary>
    public const string HttpClientName = "TokenValidation.Introspection";

    private static ReadOnlySpan<byte> FormTokenName => "token="u8;

    private readonly IntrospectionOptions _options;
    private readonly IntrospectionAnswer _answers;
    private readonly IntrospectionEndpointResolver _endpoints;
    private readonly string _configurationKey;
    private readonly string? _basicAuthorization;
    private readonly byte[] _formTail;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly TokenValidationDiagnostics _diagnostics;
    private readonly ILogger _logger;

    // configurationKey: the options' section path (TokenValidation:Introspection), named in log messages.
    public IntrospectionValidator(
        IntrospectionOptions options,
        string? resource,
        string configurationKey,
        IHttpClientFactory httpClientFactory,
        TimeProvider time,
        TokenValidationDiagnostics diagnostics,
        ILogger<IntrospectionValidator> logger)
    {
        _options = options;
        _answers = new IntrospectionAnswer(options, new AudienceRule([resource, .. options.Audiences], options.RequireAudience), time);
        _endpoints = new IntrospectionEndpointResolver(options, configurationKey + ":Endpoint", logger);
        _configurationKey = configurationKey;
        _httpClientFactory = httpClientFactory;
        _time = time;
        _diagnostics = diagnostics;
        _logger = logger;

        // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined, so a ':' in either survives.
        _basicAuthorization = options.ClientAuthentication == IntrospectionClientAuthentication.ClientSecretBasic
            ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(FormEncode(options.ClientId!) + ":" + FormEncode(options.ClientSecret!)))
            : null;
        _formTail = Encoding.UTF8.GetBytes(_basicAuthorization is not null
            ? "&token_type_hint=access_token"
            : "&token_type_hint=access_token&client_id=" + FormEncode(options.ClientId!) + "&client_secret=" + FormEncode(options.ClientSecret!));
    }

    // Without a listener there is no span to wrap, and the wrapper's own state machine would cost every miss.
    public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken) =>
        _diagnostics.ActivitySource.HasListeners() ? TracedAsync(token, cancellationToken) : CheckAsync(token, cancellationToken);

    private async ValueTask<TokenCheckResult> TracedAsync(string token, CancellationToken cancellationToken)
    {
        // Tags are a fixed vocabulary: never the token, its hash or the endpoint's answer.
        using var activity = _diagnostics.ActivitySource.StartActivity("TokenValidation.Introspection", ActivityKind.Client);
        var result = await CheckAsync(token, cancellationToken).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag("tokenvalidation.source", TokenSources.Introspection);
            activity.SetTag("tokenvalidation.outcome", TokenValidationDiagnostics.OutcomeName(result.Outcome));
            if (result.Outcome == TokenValidationOutcome.Unavailable)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.ErrorDescription);
            }
        }

        return result;
    }

    private async ValueTask<TokenCheckResult> CheckAsync(string token, CancellationToken cancellationToken)
    {
        // A backstop over the whole check (discovery and body included): the pipeline's total timeout is per request
        // and stops at the response headers.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(_options.Timeout);
        try
        {
            var client = _httpClientFactory.CreateClient(HttpClientName);
            var endpoint = await _endpoints.GetAsync(client, linked.Token).ConfigureAwait(false);
            if (endpoint is null)
            {
                return Unavailable(token, "no introspection endpoint");
            }

            using var request = CreateRequest(endpoint, token);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return await ReadAsync(response, endpoint, token, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (UpstreamFailure.TryClassify(ex, cancellationToken, out var failure))
        {
            if (!failure.CircuitOpen)
            {
                return Unavailable(token, failure.Reason);
            }

            _diagnostics.CircuitRejection(TokenSources.Introspection);
            IntrospectionLog.CircuitOpen(_logger, Hash(token), failure.RetryAfter);
            return TokenCheckResult.Unavailable("The authorization server is unavailable.", failure.RetryAfter);
        }
    }

    // The form is written straight to bytes: only the token varies, so the rest is encoded once (see the constructor).
    private HttpRequestMessage CreateRequest(Uri endpoint, string token)
    {
        string encodedToken = FormEncode(token);
        var form = new byte[FormTokenName.Length + Encoding.UTF8.GetByteCount(encodedToken) + _formTail.Length];
        FormTokenName.CopyTo(form);
        int written = FormTokenName.Length + Encoding.UTF8.GetBytes(encodedToken, form.AsSpan(FormTokenName.Length));
        _formTail.CopyTo(form.AsSpan(written));

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(form) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        if (_basicAuthorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", _basicAuthorization);
        }

        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        return request;
    }

    private async ValueTask<TokenCheckResult> ReadAsync(HttpResponseMessage response, Uri endpoint, string token, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                break;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                // Our credentials, not the caller's token: answering invalid_token would log every user out.
                IntrospectionLog.CredentialsRefused(_logger, endpoint.ToString(), (int)response.StatusCode,
                    _configurationKey + ":ClientId", _configurationKey + ":ClientSecret", _options.ClientAuthentication);
                return TokenCheckResult.Unavailable("The authorization server refused to check the token.");
            default:
                return Unavailable(token, $"HTTP {(int)response.StatusCode}", TransientFailure.RetryAfter(response, _time));
        }

        using var body = await BoundedContent.ReadPooledAsync(response.Content, _options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Unavailable(token, "answer over the size limit");
        }

        var (result, reason) = _answers.Read(body.Memory);
        if (result.Outcome == TokenValidationOutcome.Unavailable)
        {
            return Unavailable(token, reason);
        }

        if (result.Outcome == TokenValidationOutcome.Invalid)
        {
            IntrospectionLog.TokenRejected(_logger, Hash(token), reason);
        }

        return result;
    }

    private TokenCheckResult Unavailable(string token, string reason, TimeSpan? retryAfter = null)
    {
        IntrospectionLog.Unavailable(_logger, Hash(token), reason);
        return TokenCheckResult.Unavailable("The authorization server could not be reached.", retryAfter);
    }

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private static string Hash(string token) => TokenHash.Compute(token).ToShortString();
}

using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Parsing;
using TokenValidation.Resilience;
using TokenValidation.Upstream;

namespace TokenValidation.AuthKit;

/// <summary>
/// Checks an opaque AuthKit access token by asking the authority's userinfo endpoint. 200 with a string <c>sub</c> is
/// Valid; 400/401/403 are Invalid; everything else (timeouts, refused connections, 429, 5xx, 404, unreadable bodies)
/// is Unavailable, because telling an MCP client <c>invalid_token</c> makes the user log in again.
/// </summary>
/// <remarks>
/// Retries, per-attempt timeouts and the circuit breaker live in the HTTP client's pipeline
/// (<see cref="TokenValidationResilience"/>, or the application's own handlers). Polly's rejections are mapped here
/// whichever pipeline raised them, so an app's <c>AddStandardResilienceHandler()</c> gets the same answers.
/// </remarks>
internal sealed class AuthKitUserInfoValidator(
    IHttpClientFactory httpClientFactory,
    UserInfoEndpointResolver endpoints,
    IOptions<AuthKitOptions> options,
    TimeProvider time,
    TokenValidationDiagnostics diagnostics,
    ILogger<AuthKitUserInfoValidator> logger) : ITokenValidator
{
    private readonly AuthKitOptions _options = options.Value;

    // No span of our own around the call: HttpClient traces each attempt itself, with the OpenTelemetry HTTP
    // conventions (source System.Net.Http), beneath the service's fill span.
    public async ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(cancellationToken).ConfigureAwait(false);
        if (endpoint is null)
        {
            return TokenCheckResult.Unavailable("The authorization server's metadata could not be read.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        // Raw values: the handler would format header objects back into these same strings on every call.
        request.Headers.TryAddWithoutValidation("Authorization", string.Concat("Bearer ", token));
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        // A backstop over the whole call, reading the body included: the pipeline's total timeout stops at the
        // response headers, and with the pipeline turned off this is the only bound. Real time, like every wait on
        // I/O here (see TokenValidationResilience).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(_options.Timeout);
        try
        {
            var client = httpClientFactory.CreateClient(AuthKitDefaults.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return await ReadAsync(response, token, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (UpstreamFailure.TryClassify(ex, cancellationToken, out var failure))
        {
            if (!failure.CircuitOpen)
            {
                return Unavailable(token, failure.Reason);
            }

            diagnostics.CircuitRejection(TokenSources.AuthKit);
            Log.UserInfoCircuitOpen(logger, Hash(token), failure.RetryAfter);
            return TokenCheckResult.Unavailable("The authorization server is unavailable.", failure.RetryAfter);
        }
    }

    private async ValueTask<TokenCheckResult> ReadAsync(HttpResponseMessage response, string token, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                break;
            case HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                Log.UserInfoRejected(logger, Hash(token), (int)response.StatusCode);
                return TokenCheckResult.Invalid("The access token is invalid, expired or revoked.");
            default:
                return Unavailable(token, $"HTTP {(int)response.StatusCode}", TransientFailure.RetryAfter(response, time));
        }

        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            return Unavailable(token, "answer over the size limit");
        }

        using var body = await BoundedContent.ReadPooledAsync(response.Content, _options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Unavailable(token, "answer over the size limit");
        }

        var identity = IdentityJsonParser.Parse(body.Span, _options.DefaultScopes, TokenSources.AuthKit);
        return identity is null
            ? Unavailable(token, "answer is not a JSON object with a string sub")
            : TokenCheckResult.Valid(identity);
    }

    private TokenCheckResult Unavailable(string token, string reason, TimeSpan? retryAfter = null)
    {
        Log.UserInfoUnavailable(logger, Hash(token), reason);
        return TokenCheckResult.Unavailable("The authorization server could not be reached.", retryAfter);
    }

    private static string Hash(string token) => TokenHash.Compute(token).ToShortString();
}

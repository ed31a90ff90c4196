using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using TokenValidation.Upstream;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// <c>POST {ApiBaseUrl}/authkit/oauth2/complete</c> through the library's resilience pipeline (timeout and circuit,
/// no retry). The call is not idempotent (it creates or updates the AuthKit user and consumes the external id), so
/// the only second attempt is after a failure that proves the request never left: no connection was made.
/// </summary>
internal sealed class AuthKitCompletionClient(IHttpClientFactory httpClientFactory, IOptions<AuthKitLoginOptions> options, ILogger<AuthKitCompletionClient> logger)
{
    private const int MaxAnswerBytes = 64 * 1024;
    private const int MaxMessageLength = 300;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<CompletionOutcome> CompleteAsync(string externalAuthId, AuthKitUser user, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var endpoint = new Uri(settings.ApiBaseUrl.TrimEnd('/') + AuthKitLoginDefaults.CompletePath);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new CompletionRequest(externalAuthId, user), AuthKitLoginJsonContext.Default.CompletionRequest);
        var client = httpClientFactory.CreateClient(AuthKitLoginDefaults.HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        // Stryker disable once Update : only the first pass has attempt 1 whichever way it counts, so at most one retry either way.
        for (int attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = Json;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                return await ReadAsync(response, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (attempt == 1 && NeverSent(ex))
            {
                AuthKitLoginLog.CompletionRetriedUnsent(logger, ex.HttpRequestError.ToString());
            }
            catch (HttpRequestException ex)
            {
                return new CompletionOutcome(CompletionStatus.Unavailable, Message: "connection failed (" + ex.HttpRequestError + ")");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new CompletionOutcome(CompletionStatus.Unavailable, Message: "timed out after " + settings.Timeout);
            }
            catch (ExecutionRejectedException ex)
            {
                // The pipeline's timeout or open circuit.
                return new CompletionOutcome(CompletionStatus.Unavailable, Message: ex.GetType().Name);
            }
        }
    }

    // Name resolution or the connection itself failed: nothing was written to AuthKit, so trying again cannot complete twice.
    private static bool NeverSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError;

    private static async Task<CompletionOutcome> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        if (status is 408 or 429 || status >= 500)
        {
            return new CompletionOutcome(CompletionStatus.Unavailable, HttpStatus: status, Message: "HTTP " + status);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new CompletionOutcome(CompletionStatus.KeyRejected, HttpStatus: status);
        }

        byte[]? bytes = await BoundedContent.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
        var answer = Parse(bytes);
        if (status is >= 400 and < 500)
        {
            string? message = (answer?.Message ?? answer?.ErrorDescription)?.Trim();
            return new CompletionOutcome(CompletionStatus.Refused, HttpStatus: status, Message: message is { Length: > MaxMessageLength } ? message[..MaxMessageLength] + "…" : message);
        }

        return status is >= 200 and < 300 && !string.IsNullOrEmpty(answer?.RedirectUri)
            ? new CompletionOutcome(CompletionStatus.Completed, answer.RedirectUri, status)
            : new CompletionOutcome(CompletionStatus.BadAnswer, HttpStatus: status);
    }

    private static CompletionResponse? Parse(byte[]? bytes)
    {
        // Stryker disable once Block : without it an empty or missing body fails to parse and the catch below returns null too.
        if (bytes is null || bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, AuthKitLoginJsonContext.Default.CompletionResponse);
        }
        // Stryker disable once Block : a removed block returns default, the same null.
        catch (JsonException)
        {
            return null;
        }
    }
}

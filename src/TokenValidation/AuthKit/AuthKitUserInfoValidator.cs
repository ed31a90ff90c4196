using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;

namespace TokenValidation.AuthKit;

/// <summary>
/// Checks an opaque AuthKit access token by asking the authority's userinfo endpoint. 200 with a string <c>sub</c> is
/// Valid; 400/401/403 are Invalid; everything else (timeouts, refused connections, 429, 5xx, 404, unreadable bodies)
/// is Unavailable, because telling an MCP client <c>invalid_token</c> makes the user log in again.
/// </summary>
internal sealed class AuthKitUserInfoValidator(
    IHttpClientFactory httpClientFactory,
    UserInfoEndpointResolver endpoints,
    IOptions<AuthKitOptions> options,
    ILogger<AuthKitUserInfoValidator> logger) : ITokenValidator
{
    private readonly AuthKitOptions _options = options.Value;

    public async ValueTask<TokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var endpoint = await endpoints.GetAsync(cancellationToken).ConfigureAwait(false);
        if (endpoint is null)
        {
            return TokenValidationResult.Unavailable("The authorization server's metadata could not be read.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var client = httpClientFactory.CreateClient(AuthKitDefaults.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return await ReadAsync(response, token, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable(token, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return Unavailable(token, ex.HttpRequestError.ToString());
        }
        catch (IOException ex)
        {
            return Unavailable(token, ex.GetType().Name);
        }
    }

    private async Task<TokenValidationResult> ReadAsync(HttpResponseMessage response, string token, CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                break;
            case HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                Log.UserInfoRejected(logger, Hash(token), (int)response.StatusCode);
                return TokenValidationResult.Invalid("The access token is invalid, expired or revoked.");
            default:
                return Unavailable(token, $"HTTP {(int)response.StatusCode}", RetryAfter(response));
        }

        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            return Unavailable(token, "answer over the size limit");
        }

        var body = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Unavailable(token, "answer over the size limit");
        }

        var identity = UserInfoParser.Parse(body, _options.DefaultScopes);
        return identity is null
            ? Unavailable(token, "answer is not a JSON object with a string sub")
            : TokenValidationResult.Valid(identity);
    }

    private async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private TokenValidationResult Unavailable(string token, string reason, TimeSpan? retryAfter = null)
    {
        Log.UserInfoUnavailable(logger, Hash(token), reason);
        return TokenValidationResult.Unavailable("The authorization server could not be reached.", retryAfter);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static string Hash(string token) => TokenHash.Compute(token).ToShortString();
}

using System.Net.Http.Headers;
using System.Text;

namespace TokenValidation.Doctor.Wire;

/// <summary>
/// Sends requests the way an MCP client does and records the raw answer: no redirects followed unless asked, every
/// request bounded by the timeout, bodies capped, an event stream read only up to its first JSON-RPC response.
/// </summary>
internal sealed class WireClient(HttpClient http, TimeSpan timeout)
{
    /// <summary>The most of a body kept: metadata documents are a few kilobytes.</summary>
    public const int MaxBodyChars = 1 << 20;

    /// <summary>The Origin a browser-based client would send, so CORS answers show.</summary>
    public const string BrowserOrigin = "https://mcp-auth-doctor.example";

    private const int MaxRedirects = 5;

    /// <summary>The bound on each request.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>GET <paramref name="url"/>, following redirects when asked, with an Origin when <paramref name="asBrowser"/>.</summary>
    public async Task<WireResponse> GetAsync(string url, bool followRedirects, CancellationToken cancellationToken, bool asBrowser = false)
    {
        var response = await SendAsync(HttpMethod.Get, url, null, null, cancellationToken, asBrowser: asBrowser).ConfigureAwait(false);
        for (int hop = 0; followRedirects && hop < MaxRedirects && IsRedirect(response.Status); hop++)
        {
            var location = response.Header("Location");
            if (location is null || !Uri.TryCreate(new Uri(response.Url), location, out var next))
            {
                break;
            }

            response = await SendAsync(HttpMethod.Get, next.AbsoluteUri, null, null, cancellationToken, asBrowser: asBrowser).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>
    /// Sends one request and reads its answer; never throws for network failures. <paramref name="asBrowser"/> adds the
    /// Origin a browser would send, only where CORS is checked: servers guarding against DNS rebinding refuse unknown origins.
    /// </summary>
    public async Task<WireResponse> SendAsync(
        HttpMethod method,
        string url,
        string? bearerToken,
        string? jsonBody,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null,
        bool asBrowser = false)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(Timeout);
        try
        {
            using var request = new HttpRequestMessage(method, url);
            if (asBrowser)
            {
                request.Headers.TryAddWithoutValidation("Origin", BrowserOrigin);
            }

            if (bearerToken is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearerToken);
            }

            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (jsonBody is not null)
            {
                request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            var all = ReadHeaders(response);
            bool eventStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            await using var stream = await response.Content.ReadAsStreamAsync(timeoutSource.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string body = eventStream
                ? await ServerSentEvents.ReadFirstResponseAsync(reader, timeoutSource.Token).ConfigureAwait(false) ?? string.Empty
                : await ReadCappedAsync(reader, timeoutSource.Token).ConfigureAwait(false);
            return WireResponse.FromAnswer(url, (int)response.StatusCode, response.ReasonPhrase, all, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WireResponse.FromError(url, $"no answer within {Describe(Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return WireResponse.FromError(url, "could not connect: " + e.Message);
        }
        catch (Exception e) when (e is UriFormatException or InvalidOperationException or IOException)
        {
            return WireResponse.FromError(url, "request failed: " + e.Message);
        }
    }

    /// <summary>"10 s", "500 ms".</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalSeconds >= 1 && span.Milliseconds == 0 ? $"{span.TotalSeconds:0} s" : $"{span.TotalMilliseconds:0} ms";

    /// <summary>301, 302, 303, 307 or 308.</summary>
    public static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static Dictionary<string, string[]> ReadHeaders(HttpResponseMessage response)
    {
        var all = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        Add(response.Headers.NonValidated);
        Add(response.Content.Headers.NonValidated);
        return all;

        void Add(HttpHeadersNonValidated headers)
        {
            foreach (var (name, values) in headers)
            {
                all[name] = all.TryGetValue(name, out var existing) ? [.. existing, .. values] : [.. values];
            }
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var buffer = new char[8192];
        var text = new StringBuilder();
        int read;
        while (text.Length < MaxBodyChars && (read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            text.Append(buffer, 0, Math.Min(read, MaxBodyChars - text.Length));
        }

        return text.ToString();
    }
}

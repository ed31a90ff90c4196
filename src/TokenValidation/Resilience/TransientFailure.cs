using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace TokenValidation.Resilience;

/// <summary>
/// Which answers from the issuer are worth another try. 400, 401 and 403 are the issuer saying no; retrying them
/// cannot change the answer and counting them against the circuit would let bad tokens open it.
/// </summary>
internal static class TransientFailure
{
    /// <summary>Whether <paramref name="outcome"/> is a transient failure (connection, attempt timeout, 408, 429, 5xx).</summary>
    public static bool IsTransient(in Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException or IOException or SocketException } => true,
        { Exception: not null } => false,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>A short, fixed-vocabulary name for metrics and logs: never text from the answer or the request.</summary>
    public static string Reason(in Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => "timeout",
        { Exception: not null } => "connection",
        { Result: { StatusCode: HttpStatusCode.TooManyRequests } } => "http_429",
        { Result: { StatusCode: HttpStatusCode.RequestTimeout } } => "http_408",
        { Result: { } response } when (int)response.StatusCode >= 500 => "http_5xx",
        _ => "other",
    };

    /// <summary>The delay the answer's <c>Retry-After</c> asks for, if any (never negative).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };
}

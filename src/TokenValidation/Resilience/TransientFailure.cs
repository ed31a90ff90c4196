using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace TokenValidation.Resilience;

/// <summary>
/// What the library says about a failed attempt. Which failures are transient is the package's rule
/// (<c>HttpClientResiliencePredicates.IsTransient</c>: a connection failure, an attempt timeout, 408, 429, 5xx); 400, 401
/// and 403 are the issuer saying no, never retried and never counted against the circuit.
/// </summary>
internal static class TransientFailure
{
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

    /// <summary>
    /// Whether a failed attempt counts against the circuit: every transient failure but 429. An issuer limiting our calls
    /// (a flood from one client can provoke it) is answered with its own <c>Retry-After</c>, not by shutting every new
    /// token out for the break.
    /// </summary>
    public static bool OpensCircuit(in Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) && outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests;

    /// <summary>The delay the answer's <c>Retry-After</c> asks for, if any (never negative).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };
}

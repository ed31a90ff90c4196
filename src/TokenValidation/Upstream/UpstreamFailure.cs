using Polly.CircuitBreaker;
using Polly.Timeout;

namespace TokenValidation.Upstream;

/// <summary>
/// What an exception from a call to an issuer means for the token: the issuer could not be asked (Unavailable, with a
/// short fixed-vocabulary reason for logs), or the circuit is open (with what remains of its break). One mapping for
/// every validator that calls out, so userinfo, introspection and key fetches answer alike.
/// </summary>
internal readonly record struct UpstreamFailure(string Reason, bool CircuitOpen, TimeSpan? RetryAfter)
{
    /// <summary>
    /// Classifies <paramref name="exception"/>; <see langword="false"/> for exceptions that are not an unreachable issuer
    /// (including the caller's own cancellation, which must propagate).
    /// </summary>
    public static bool TryClassify(Exception exception, CancellationToken caller, out UpstreamFailure failure)
    {
        failure = exception switch
        {
            // No hint (or nothing left, while a half-open probe is out) leaves the caller's default Retry-After rather
            // than inviting every client back at once.
            BrokenCircuitException open => new("circuit open", true, open.RetryAfter > TimeSpan.Zero ? open.RetryAfter : null),
            TimeoutRejectedException or TimeoutException => new("timed out", false, null),
            OperationCanceledException when !caller.IsCancellationRequested => new("timed out", false, null),
            HttpRequestException http => new(http.HttpRequestError.ToString(), false, null),
            IOException io => new(io.GetType().Name, false, null),
            _ => default,
        };
        return failure.Reason is not null;
    }
}

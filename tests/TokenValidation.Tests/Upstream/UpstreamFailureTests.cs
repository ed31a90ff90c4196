using Polly.CircuitBreaker;
using Polly.Timeout;
using TokenValidation.Upstream;

namespace TokenValidation.Tests.Upstream;

/// <summary>
/// CONTRACT §4, §7a: what an exception from a call to an issuer means. Every validator that calls out (userinfo,
/// introspection, key fetches) maps it here, so the cases are checked once, directly.
/// </summary>
public sealed class UpstreamFailureTests
{
    [Fact]
    public void An_open_circuit_passes_on_what_remains_of_its_break()
    {
        Assert.True(UpstreamFailure.TryClassify(new BrokenCircuitException(TimeSpan.FromSeconds(7)), CancellationToken.None, out var failure));

        Assert.Equal(new UpstreamFailure("circuit open", true, TimeSpan.FromSeconds(7)), failure);
    }

    [Fact]
    public void An_open_circuit_with_no_time_left_or_no_hint_leaves_the_retry_after_to_the_caller()
    {
        Assert.True(UpstreamFailure.TryClassify(new BrokenCircuitException(TimeSpan.Zero), CancellationToken.None, out var none));
        Assert.True(UpstreamFailure.TryClassify(new BrokenCircuitException(), CancellationToken.None, out var noHint));

        Assert.Equal(new UpstreamFailure("circuit open", true, null), none);
        Assert.Equal(new UpstreamFailure("circuit open", true, null), noHint);
    }

    public static TheoryData<Exception, string> Unavailable => new()
    {
        { new TimeoutRejectedException(), "timed out" },
        { new TimeoutException(), "timed out" },
        { new OperationCanceledException(), "timed out" },
        { new TaskCanceledException(), "timed out" },
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused"), "ConnectionError" },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "closed"), "ResponseEnded" },
        { new HttpRequestException("no error code"), "Unknown" },
        { new IOException("reset"), "IOException" },
        { new EndOfStreamException(), "EndOfStreamException" },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void An_issuer_that_could_not_be_asked_is_unavailable_with_a_short_reason(Exception exception, string reason)
    {
        Assert.True(UpstreamFailure.TryClassify(exception, CancellationToken.None, out var failure));

        Assert.Equal(new UpstreamFailure(reason, false, null), failure);
    }

    [Fact]
    public void The_callers_own_cancellation_is_not_an_issuer_failure_and_propagates()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(UpstreamFailure.TryClassify(new OperationCanceledException(cancelled.Token), cancelled.Token, out var failure));
        Assert.Equal(default, failure);
    }

    [Fact]
    public void A_timeout_stays_a_timeout_even_when_the_caller_has_given_up_too()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(UpstreamFailure.TryClassify(new TimeoutRejectedException(), cancelled.Token, out var failure));
        Assert.Equal("timed out", failure.Reason);
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(NullReferenceException))]
    public void Any_other_exception_is_a_bug_not_an_outage_and_is_not_classified(Type type)
    {
        var exception = (Exception)Activator.CreateInstance(type)!;

        Assert.False(UpstreamFailure.TryClassify(exception, CancellationToken.None, out var failure));
        Assert.Null(failure.Reason);
        Assert.False(failure.CircuitOpen);
    }
}

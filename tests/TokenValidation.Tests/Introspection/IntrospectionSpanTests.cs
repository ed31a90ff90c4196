using System.Collections.Concurrent;
using System.Diagnostics;

namespace TokenValidation.Tests.Introspection;

/// <summary>
/// CONTRACT §9, §12: each introspection is a client span of the library's source, tagged with the metrics' own tag names
/// and a fixed vocabulary; an Unavailable answer marks it as an error.
/// </summary>
public sealed class IntrospectionSpanTests
{
    [Fact]
    public async Task An_introspection_is_a_client_span_tagged_with_its_source_and_outcome_and_an_error_when_unavailable()
    {
        await using var host = await IntrospectionHost.StartAsync();
        string valid = "opaque-valid-" + Guid.NewGuid().ToString("N"), inactive = "opaque-inactive-" + Guid.NewGuid().ToString("N"), down = "opaque-down-" + Guid.NewGuid().ToString("N");
        host.Server.AddActiveToken(valid, "user_01", IntrospectionHost.Resource);

        // Only activities under this test's own root: other tests share the source name in this process.
        using var testSource = new ActivitySource("TokenValidation.Tests.IntrospectionSpanTests." + Guid.NewGuid().ToString("N"));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "TokenValidation" || s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        string traceId;
        using (var root = testSource.StartActivity("request")!)
        {
            traceId = root.TraceId.ToString();
            Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(valid)).Outcome);
            Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(inactive)).Outcome);
            host.Server.IntrospectionBehavior = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };
            Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(down)).Outcome);
        }

        var spans = stopped.Where(a => a.TraceId.ToString() == traceId && a.OperationName == "TokenValidation.Introspection").ToList();
        Assert.Equal(3, spans.Count);
        Assert.All(spans, a =>
        {
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal("introspection", a.GetTagItem("tokenvalidation.source"));
        });
        Assert.Equal(["invalid", "unavailable", "valid"], spans.Select(a => (string)a.GetTagItem("tokenvalidation.outcome")!).Order(StringComparer.Ordinal));
        var error = Assert.Single(spans, a => a.Status == ActivityStatusCode.Error);
        Assert.Equal("unavailable", error.GetTagItem("tokenvalidation.outcome"));
        Assert.Equal("The authorization server could not be reached.", error.StatusDescription);
        Assert.All(spans.Where(a => a != error), a => Assert.Equal(ActivityStatusCode.Unset, a.Status));
    }
}

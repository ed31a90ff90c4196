using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using TokenValidation.Caching;
using TokenValidation.Diagnostics;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Observability;

/// <summary>
/// CONTRACT §9: a cache fill is one span tagged with the metrics' own tag names; the call to the issuer beneath it is
/// HttpClient's own span, with the OpenTelemetry HTTP conventions; a hit is not traced; no token in any tag.
/// </summary>
public sealed class ActivityTests
{
    private const string HttpSource = "System.Net.Http";

    [Fact]
    public async Task A_miss_is_a_fill_span_over_HttpClients_own_semconv_span_an_L2_hit_is_a_fill_without_one_and_an_L1_hit_is_not_traced()
    {
        var l2 = new FlakyDistributedCache();
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0" },
            configure: b => b.AddDistributedCache(),
            services: s => s.AddSingleton<IDistributedCache>(l2));
        string valid = StandInHost.NewToken(), down = StandInHost.NewToken();
        host.AuthKit.AddUser(valid, "user_01");

        // Only activities under this test's own root: other tests share the source names in this process.
        using var testSource = new ActivitySource("TokenValidation.Tests.ActivityTests." + Guid.NewGuid().ToString("N"));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "TokenValidation" or HttpSource || s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        string traceId;
        using (var root = testSource.StartActivity("request")!)
        {
            traceId = root.TraceId.ToString();
            Assert.True((await host.Validation.ValidateAsync(valid)).IsValid);
            Assert.True((await host.Validation.ValidateAsync(valid)).IsValid);
            host.Service.MemoryCache.Remove(TokenHash.Compute(valid));
            Assert.True((await host.Validation.ValidateAsync(valid)).IsValid);
            host.AuthKit.RespondWith(503);
            Assert.Equal(TokenValidationOutcome.Unavailable, (await host.Validation.ValidateAsync(down)).Outcome);
        }

        var trace = stopped.Where(a => a.TraceId.ToString() == traceId).ToList();
        var fills = trace.Where(a => a.Source.Name == "TokenValidation").ToList();
        Assert.All(fills, a => Assert.Equal("TokenValidation.Fill", a.OperationName));
        Assert.Equal(3, fills.Count);

        var validFill = Assert.Single(fills, a => Tag(a, "tokenvalidation.outcome") == "valid" && Tag(a, "tokenvalidation.cache.level") is null);
        var l2Fill = Assert.Single(fills, a => Tag(a, "tokenvalidation.cache.level") == "l2");
        Assert.Equal("valid", Tag(l2Fill, "tokenvalidation.outcome"));
        var downFill = Assert.Single(fills, a => Tag(a, "tokenvalidation.outcome") == "unavailable");
        Assert.All(fills, a => Assert.Equal("authkit", Tag(a, "tokenvalidation.source")));
        Assert.Equal(ActivityStatusCode.Unset, validFill.Status);
        Assert.Equal(ActivityStatusCode.Error, downFill.Status);

        // The HTTP spans are HttpClient's, one per call, children of the fill that made them; none under the L2 hit.
        var http = trace.Where(a => a.Source.Name == HttpSource).ToList();
        Assert.Equal(2, http.Count);
        Assert.All(http, a =>
        {
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal("GET", Tag(a, "http.request.method"));
            Assert.Equal(host.AuthKit.Authority + "/oauth/userinfo", Tag(a, "url.full"));
            Assert.Equal("127.0.0.1", Tag(a, "server.address"));
        });
        Assert.Equal("200", Tag(Assert.Single(http, a => a.ParentSpanId == validFill.SpanId), "http.response.status_code"));
        Assert.Equal("503", Tag(Assert.Single(http, a => a.ParentSpanId == downFill.SpanId), "http.response.status_code"));
        Assert.DoesNotContain(http, a => a.ParentSpanId == l2Fill.SpanId);

        foreach (var activity in trace)
        {
            foreach (var tag in activity.TagObjects)
            {
                string text = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.DoesNotContain(valid[4..], text, StringComparison.Ordinal);
                Assert.DoesNotContain(down[4..], text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(valid[4..], activity.StatusDescription ?? "", StringComparison.Ordinal);
        }
    }

    private static string? Tag(Activity activity, string name) =>
        activity.GetTagItem(name) is { } value ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

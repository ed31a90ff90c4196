using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// The proxied authorization-server metadata with no copy yet: one shared fetch for every waiter, bounded by the
/// timeout, and a failure remembered for its <c>Retry-After</c> (30 s by default).
/// </summary>
public sealed class MetadataProxyFailureTests : IClassFixture<AuthKitFixture>
{
    private const string Path = "/.well-known/oauth-authorization-server";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly AuthKitStandIn _authKit;

    public MetadataProxyFailureTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task Twelve_concurrent_requests_to_a_hanging_authority_share_one_fetch_and_are_answered_within_the_timeout()
    {
        var timeout = TimeSpan.FromSeconds(2);
        var options = ProxyOptions();
        options.Settings["TokenValidation:AuthKit:Timeout"] = "00:00:02";
        options.Settings["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0";
        await using var app = await McpTestApp.StartAsync(options);
        _authKit.MetadataBehavior = context => Task.Delay(Timeout.Infinite, _authKit.Stopping);

        var started = Stopwatch.GetTimestamp();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await app.GetAsync(Path);
            return (response.StatusCode, Elapsed: Stopwatch.GetElapsedTime(started), RetryAfter: response.Header("Retry-After"));
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
        Assert.All(answers, a => Assert.InRange(a.Elapsed, TimeSpan.Zero, timeout + TimeSpan.FromSeconds(2)));
        Assert.All(answers, a => Assert.Equal("30", a.RetryAfter));
        Assert.Equal(1, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task A_garbage_answer_is_not_fetched_again_within_its_retry_after()
    {
        var time = new FakeTimeProvider(Start);
        var options = ProxyOptions();
        options.Services = builder => builder.Services.AddSingleton<TimeProvider>(time);
        await using var app = await McpTestApp.StartAsync(options);
        _authKit.MetadataBehavior = Garbage(retryAfterSeconds: 30);

        using (var first = await app.GetAsync(Path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.Equal("30", first.Header("Retry-After"));
        }

        time.Advance(TimeSpan.FromSeconds(29));
        for (int i = 0; i < 10; i++)
        {
            using var again = await app.GetAsync(Path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
            Assert.Equal("1", again.Header("Retry-After"));
        }

        Assert.Equal(1, _authKit.MetadataCalls);

        _authKit.MetadataBehavior = null;
        time.Advance(TimeSpan.FromSeconds(2));
        using var recovered = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(2, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task A_failure_without_retry_after_is_remembered_for_30_seconds()
    {
        var time = new FakeTimeProvider(Start);
        var options = ProxyOptions();
        options.Services = builder => builder.Services.AddSingleton<TimeProvider>(time);
        await using var app = await McpTestApp.StartAsync(options);
        _authKit.MetadataBehavior = Garbage(retryAfterSeconds: null);

        using (var first = await app.GetAsync(Path))
        {
            Assert.Equal("30", first.Header("Retry-After"));
        }

        time.Advance(TimeSpan.FromSeconds(20));
        using (var meanwhile = await app.GetAsync(Path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, meanwhile.StatusCode);
            Assert.Equal("10", meanwhile.Header("Retry-After"));
        }

        Assert.Equal(1, _authKit.MetadataCalls);
        time.Advance(TimeSpan.FromSeconds(11));
        using var retried = await app.GetAsync(Path);

        Assert.Equal(2, _authKit.MetadataCalls);
    }

    private McpTestAppOptions ProxyOptions()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:AuthorizationServerMetadataMode"] = "Proxy";
        return options;
    }

    private static Func<HttpContext, Task> Garbage(int? retryAfterSeconds) => context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/html";
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return context.Response.WriteAsync("<html>maintenance</html>");
    };
}

using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// What the proxied authorization-server metadata accepts as a document, and how long a failure is remembered: the
/// authority's own Retry-After (seconds or a date), never under 1 s nor over 10 minutes.
/// </summary>
public sealed class MetadataProxyAnswerTests : IClassFixture<AuthKitFixture>
{
    private const string Path = "/.well-known/oauth-authorization-server";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly AuthKitStandIn _authKit;
    private readonly FakeTimeProvider _time = new(Start);

    public MetadataProxyAnswerTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Theory]
    [InlineData("0", "1")]
    [InlineData("86400", "600")]
    public async Task The_authoritys_retry_after_is_kept_between_one_second_and_ten_minutes(string given, string expected)
    {
        await using var app = await StartAsync();
        _authKit.MetadataBehavior = Answer(500, "", retryAfter: given);

        using var response = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(expected, response.Header("Retry-After"));
    }

    [Fact]
    public async Task A_retry_after_of_zero_still_spares_the_authority_for_one_second()
    {
        await using var app = await StartAsync();
        _authKit.MetadataBehavior = Answer(500, "", retryAfter: "0");
        (await app.GetAsync(Path)).Dispose();
        int calls = _authKit.MetadataCalls;

        _time.Advance(TimeSpan.FromMilliseconds(900));
        (await app.GetAsync(Path)).Dispose();
        Assert.Equal(calls, _authKit.MetadataCalls);

        _authKit.MetadataBehavior = null;
        _time.Advance(TimeSpan.FromMilliseconds(200));
        using var recovered = await app.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(calls + 1, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task A_retry_after_date_counts_from_now()
    {
        await using var app = await StartAsync();
        _authKit.MetadataBehavior = Answer(429, "", retryAfter: (Start + TimeSpan.FromSeconds(120)).ToString("R", CultureInfo.InvariantCulture));

        using var response = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("120", response.Header("Retry-After"));
    }

    [Theory]
    [InlineData("[{\"issuer\":\"x\"}]")]
    [InlineData("\"issuer\"")]
    [InlineData("{\"issuer\":")]
    public async Task Json_that_is_not_one_object_is_not_served(string body)
    {
        await using var app = await StartAsync();
        _authKit.MetadataBehavior = Answer(200, body);

        using var response = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("30", response.Header("Retry-After"));
    }

    [Fact]
    public async Task A_document_over_256_KiB_is_not_served_and_one_under_it_is()
    {
        await using var app = await StartAsync();
        string Document(int bytes) => "{\"issuer\":\"" + new string('a', bytes - 13) + "\"}";
        _authKit.MetadataBehavior = Answer(200, Document((256 * 1024) + 1));

        using (var tooLarge = await app.GetAsync(Path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, tooLarge.StatusCode);
        }

        _authKit.MetadataBehavior = Answer(200, Document(256 * 1024));
        _time.Advance(TimeSpan.FromSeconds(31));
        using var fits = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(256 * 1024, (await fits.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task A_head_request_gets_the_headers_and_no_body()
    {
        await using var app = await StartAsync();
        using var get = await app.GetAsync(Path);
        var document = await get.Content.ReadAsByteArrayAsync();

        using var head = await app.Client.SendAsync(McpTestApp.Request(HttpMethod.Head, Path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("application/json", head.Header("Content-Type"));
        Assert.Equal(document.Length.ToString(CultureInfo.InvariantCulture), head.Header("Content-Length"));
        Assert.Equal("public, max-age=3600", head.Header("Cache-Control"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, _authKit.MetadataCalls);
    }

    private async Task<McpTestApp> StartAsync()
    {
        var options = new McpTestAppOptions(_authKit.Authority);
        options.Settings["TokenValidation:AuthorizationServerMetadataMode"] = "Proxy";
        options.Settings["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0";
        options.Services = builder => builder.Services.AddSingleton<TimeProvider>(_time);
        return await McpTestApp.StartAsync(options);
    }

    private static Func<HttpContext, Task> Answer(int status, string body, string? retryAfter = null) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return context.Response.WriteAsync(body);
    };
}

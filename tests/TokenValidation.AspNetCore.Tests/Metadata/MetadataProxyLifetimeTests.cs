using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// The proxied authorization-server metadata at the edges of its clock: a copy is served until the instant its lifetime
/// ends, a failure spares the authority until the instant its delay ends, and each failed fetch is a warning saying why.
/// </summary>
public sealed class MetadataProxyLifetimeTests : IClassFixture<AuthKitFixture>
{
    private const string Path = "/.well-known/oauth-authorization-server";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly AuthKitStandIn _authKit;
    private readonly FakeTimeProvider _time = new(Start);

    public MetadataProxyLifetimeTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    [Fact]
    public async Task A_copy_is_served_until_its_lifetime_ends_and_fetched_again_at_that_instant()
    {
        await using var app = await StartAsync();
        (await app.GetAsync(Path)).Dispose();

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        (await app.GetAsync(Path)).Dispose();
        Assert.Equal(1, _authKit.MetadataCalls);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var refreshed = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(2, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task A_failure_spares_the_authority_until_its_delay_ends_and_is_retried_at_that_instant()
    {
        await using var app = await StartAsync();
        _authKit.MetadataBehavior = Status(502);
        (await app.GetAsync(Path)).Dispose();

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        using (var meanwhile = await app.GetAsync(Path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, meanwhile.StatusCode);
            Assert.Equal("1", meanwhile.Header("Retry-After"));
        }

        Assert.Equal(1, _authKit.MetadataCalls);
        _authKit.MetadataBehavior = null;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var retried = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, _authKit.MetadataCalls);
    }

    [Fact]
    public async Task A_failed_fetch_is_a_warning_naming_the_url_and_the_status()
    {
        await using var app = await StartAsync(captureLogs: true);
        _authKit.MetadataBehavior = Status(502);

        (await app.GetAsync(Path)).Dispose();

        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 110);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal($"Authorization server metadata could not be fetched from {_authKit.Authority}{Path}: HTTP 502", warning.Message);
    }

    [Fact]
    public async Task A_fetch_that_is_not_a_json_object_is_a_warning_saying_so()
    {
        await using var app = await StartAsync(captureLogs: true);
        _authKit.MetadataBehavior = context => context.Response.WriteAsync("<html>maintenance</html>");

        (await app.GetAsync(Path)).Dispose();

        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 110);
        Assert.Equal($"Authorization server metadata could not be fetched from {_authKit.Authority}{Path}: not a JSON object within the size limit", warning.Message);
    }

    private async Task<McpTestApp> StartAsync(bool captureLogs = false)
    {
        var options = new McpTestAppOptions(_authKit.Authority) { CaptureLogs = captureLogs };
        options.Settings["TokenValidation:AuthorizationServerMetadataMode"] = "Proxy";
        options.Settings["TokenValidation:AuthorizationServerMetadataCacheLifetime"] = "00:10:00";
        options.Settings["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0";
        options.Services = builder => builder.Services.AddSingleton<TimeProvider>(_time);
        return await McpTestApp.StartAsync(options);
    }

    private static Func<HttpContext, Task> Status(int status) => context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };
}

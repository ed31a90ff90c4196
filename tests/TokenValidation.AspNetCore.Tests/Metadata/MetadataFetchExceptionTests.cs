using System.Net;
using Microsoft.Extensions.Logging;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.Metadata;

/// <summary>
/// A metadata fetch that fails before any answer (the authority refuses the connection) is a 503 and one warning that
/// names the URL and the kind of failure, so an operator can tell a down authority from a bad answer.
/// </summary>
public sealed class MetadataFetchExceptionTests
{
    private const string Path = "/.well-known/oauth-authorization-server";

    [Fact]
    public async Task A_refused_connection_is_a_503_and_a_warning_naming_the_url_and_the_exception()
    {
        string authority = LoopbackPorts.RefusingAuthority();
        var options = new McpTestAppOptions(authority) { CaptureLogs = true };
        options.Settings["TokenValidation:AuthorizationServerMetadataMode"] = "Proxy";
        options.Settings["TokenValidation:AuthKit:Resilience:MaxRetryAttempts"] = "0";
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync(Path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var warning = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 110);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal($"Authorization server metadata could not be fetched from {authority}{Path}: HttpRequestException", warning.Message);
    }
}

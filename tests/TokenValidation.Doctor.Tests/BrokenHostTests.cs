namespace TokenValidation.Doctor.Tests;

/// <summary>
/// One deliberately broken host per row of seed 003's troubleshooting table and per check: the named check fails
/// with the hint an MCP server author needs, nothing else fails, and the exit code is 1.
/// </summary>
public sealed class BrokenHostTests
{
    [Fact]
    public async Task A_healthy_host_passes_every_check_with_a_token_and_exits_0()
    {
        await using var host = await BrokenMcpHost.StartAsync();

        var run = await DoctorRun.JsonAsync(host.McpUrl, "--token", BrokenMcpHost.Token);

        Assert.Equal(0, run.ExitCode);
        Assert.All(run.Checks, c => Assert.True(c.GetProperty("status").GetString() == "pass", c.ToString()));
        Assert.Contains("2 tool(s): echo, time", run.Saw("token-tools-list"));
        Assert.Equal(1, host.SessionsEnded);
    }

    [Fact]
    public async Task Prm_404_fails_the_advertised_and_root_metadata_checks_saying_why_clients_cannot_connect()
    {
        var run = await RunAgainstAsync(new HostFaults { PrmNotFound = true }, "prm-advertised", "prm-root");

        Assert.Contains("404", run.Saw("prm-advertised"));
        Assert.Contains("couldn't connect", run.Fix("prm-advertised"));
        Assert.Contains("/.well-known/oauth-protected-resource", run.Fix("prm-root"));
        Assert.Equal("warn", run.Status("prm-path-inserted"));
        Assert.Equal("skip", run.Status("prm-resource"));
    }

    [Fact]
    public async Task An_issuer_with_a_trailing_slash_fails_the_issuer_check()
    {
        var run = await RunAgainstAsync(new HostFaults { IssuerSuffix = "/" }, "as-issuer");

        Assert.Contains("has a trailing slash", run.Saw("as-issuer"));
        Assert.Contains("exactly as its issuer", run.Fix("as-issuer"));
    }

    [Fact]
    public async Task An_authorization_server_with_a_trailing_newline_fails_the_whitespace_and_issuer_checks()
    {
        await using var host = await BrokenMcpHost.StartAsync(new HostFaults { AuthorizationServerSuffix = "\n" });

        var run = await DoctorRun.JsonAsync(host.McpUrl);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["as-issuer", "url-whitespace"], run.Ids("fail"));
        Assert.Contains($"authorization_servers in the metadata is \"{host.Issuer}\\n\"", run.Saw("url-whitespace"));
        Assert.Contains("trailing \\n", run.Fix("url-whitespace"));
        Assert.Contains("redirect loop", run.Fix("url-whitespace"));
        Assert.Contains("differs only by whitespace or a newline", run.Saw("as-issuer"));
    }

    [Fact]
    public async Task Metadata_without_cors_fails_the_prm_cors_check()
    {
        var run = await RunAgainstAsync(new HostFaults { NoPrmCors = true }, "prm-cors");

        Assert.Contains("no Access-Control-Allow-Origin", run.Saw("prm-cors"));
        Assert.Contains("Access-Control-Allow-Origin: *", run.Fix("prm-cors"));
    }

    [Fact]
    public async Task A_challenge_without_cors_headers_fails_the_challenge_cors_check()
    {
        var run = await RunAgainstAsync(new HostFaults { NoChallengeCors = true }, "challenge-cors");

        Assert.Contains("Access-Control-Expose-Headers: WWW-Authenticate", run.Fix("challenge-cors"));
    }

    [Fact]
    public async Task A_server_refusing_foreign_origins_is_a_warning_and_desktop_clients_still_get_through()
    {
        await using var host = await BrokenMcpHost.StartAsync(new HostFaults { RefuseForeignOrigin = true });

        var run = await DoctorRun.JsonAsync(host.McpUrl, "--token", BrokenMcpHost.Token);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["challenge-cors"], run.Ids("warn"));
        Assert.Contains("got 403, the same POST without an Origin got 401", run.Saw("challenge-cors"));
        Assert.Equal("pass", run.Status("token-tools-list"));
    }

    [Fact]
    public async Task A_resource_differing_by_a_trailing_slash_fails_the_resource_check()
    {
        var run = await RunAgainstAsync(new HostFaults { ResourceSuffix = "/" }, "prm-resource");

        Assert.Contains("has a trailing slash", run.Saw("prm-resource"));
        Assert.Contains("byte for byte", run.Fix("prm-resource"));
    }

    [Fact]
    public async Task A_405_on_get_without_a_token_fails_the_get_check()
    {
        var run = await RunAgainstAsync(new HostFaults { UnauthenticatedGetStatus = 405 }, "get-401");

        Assert.Contains("405", run.Saw("get-401"));
        Assert.Contains("authentication before method handling", run.Fix("get-401"));
    }

    [Fact]
    public async Task A_challenge_without_resource_metadata_fails_and_clients_fall_back_to_the_well_known_paths()
    {
        var run = await RunAgainstAsync(new HostFaults { NoResourceMetadata = true }, "challenge-resource-metadata");

        Assert.Contains("Add resource_metadata=\"http://127.0.0.1:", run.Fix("challenge-resource-metadata"));
        Assert.Equal("skip", run.Status("prm-advertised"));
        Assert.Equal("pass", run.Status("prm-path-inserted"));
        Assert.Equal("pass", run.Status("prm-resource"));
    }

    [Fact]
    public async Task An_error_attribute_without_a_token_fails_the_no_error_check()
    {
        var run = await RunAgainstAsync(new HostFaults { ErrorWithoutToken = true }, "challenge-no-error");

        Assert.Contains("error=\"invalid_token\"", run.Saw("challenge-no-error"));
        Assert.Contains("RFC 6750", run.Fix("challenge-no-error"));
    }

    [Fact]
    public async Task An_authorization_server_without_s256_fails_the_pkce_check()
    {
        var run = await RunAgainstAsync(new HostFaults { NoS256 = true }, "as-pkce-s256");

        Assert.Contains("[plain] has no S256", run.Saw("as-pkce-s256"));
        Assert.Contains("must refuse", run.Fix("as-pkce-s256"));
    }

    [Fact]
    public async Task An_authorization_server_without_registration_fails_the_registration_check()
    {
        var run = await RunAgainstAsync(new HostFaults { NoRegistration = true }, "as-registration");

        Assert.Contains("Dynamic Client Registration", run.Fix("as-registration"));
    }

    [Fact]
    public async Task A_plain_http_url_outside_loopback_fails_the_https_check()
    {
        var run = await RunAgainstAsync(new HostFaults { TokenEndpoint = "http://auth.example.com/token" }, "url-https");

        Assert.Contains("token_endpoint in the authorization server metadata is \"http://auth.example.com/token\"", run.Saw("url-https"));
    }

    [Fact]
    public async Task A_server_that_accepts_a_wrong_token_fails_the_wrong_token_check()
    {
        var run = await RunAgainstAsync(new HostFaults { AcceptAnyToken = true }, ["token-wrong-401"], "--token", BrokenMcpHost.Token);

        Assert.Contains("200", run.Saw("token-wrong-401"));
        Assert.Contains("not checking tokens", run.Fix("token-wrong-401"));
    }

    [Fact]
    public async Task A_rejected_token_fails_initialize_and_skips_tools_list()
    {
        await using var host = await BrokenMcpHost.StartAsync();

        var run = await DoctorRun.JsonAsync(host.McpUrl, "--token", "not-the-token");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["token-initialize"], run.Ids("fail"));
        Assert.Contains("401 Unauthorized, error=\"invalid_token\" (The access token is not valid)", run.Saw("token-initialize"));
        Assert.Equal("skip", run.Status("token-tools-list"));
        Assert.Equal("pass", run.Status("token-wrong-401"));
    }

    [Fact]
    public async Task A_host_that_does_not_answer_in_time_fails_with_the_timeout_named()
    {
        await using var host = await BrokenMcpHost.StartAsync(new HostFaults { Delay = TimeSpan.FromSeconds(30) });

        var started = System.Diagnostics.Stopwatch.StartNew();
        var run = await DoctorRun.JsonAsync(host.McpUrl, "--timeout", "200ms");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("POST http://127.0.0.1:" + new Uri(host.Origin).Port + "/mcp without a token: no answer within 200 ms", run.Saw("post-401"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Nothing_listening_fails_the_first_check_with_could_not_connect()
    {
        int port = TokenValidation.Testing.LoopbackPorts.FreeTcpPort();

        var run = await DoctorRun.JsonAsync($"http://127.0.0.1:{port}/mcp");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"POST http://127.0.0.1:{port}/mcp without a token: could not connect", run.Saw("post-401"));
        Assert.Contains("server is running", run.Fix("post-401"));
    }

    private static Task<DoctorRun> RunAgainstAsync(HostFaults faults, params string[] failing) => RunAgainstAsync(faults, failing, []);

    /// <summary>Runs the doctor against a host with <paramref name="faults"/>: exactly <paramref name="failing"/> fail, exit code 1.</summary>
    private static async Task<DoctorRun> RunAgainstAsync(HostFaults faults, string[] failing, params string[] args)
    {
        await using var host = await BrokenMcpHost.StartAsync(faults);

        var run = await DoctorRun.JsonAsync([host.McpUrl, .. args]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(failing, run.Ids("fail"));
        Assert.All(failing, id => Assert.NotEmpty(run.Fix(id)));
        return run;
    }
}

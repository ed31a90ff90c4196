using McpServerSample.Tests;
using TokenValidation.Testing;
using Xunit.Abstractions;

namespace TokenValidation.Doctor.Tests;

/// <summary>
/// samples/McpServer started as a real process. Trusting an authorization server that supports what MCP clients
/// need (the AuthKit stand-in: authorization code with S256, registration, refresh tokens), every check passes,
/// the authenticated ones too. As <c>dotnet run</c> starts it, with its built-in development stand-in, the session
/// works with the token its banner prints, and the doctor names what that stand-in lacks for an interactive client.
/// </summary>
public sealed class SampleTests(ITestOutputHelper log)
{
    [Fact]
    public async Task The_sample_trusting_a_full_authorization_server_passes_every_check_with_a_token()
    {
        await using var authKit = await AuthKitStandIn.StartAsync();
        const string Token = "mat_doctor_sample_token_5b2d";
        authKit.AddUser(Token, "user_doctor", "doctor@example.com", "Doctor");
        string directory = Directory.CreateTempSubdirectory("mcp-doctor-sample-").FullName;
        try
        {
            await using var sample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
            {
                ["TokenValidation:AuthKit:Authority"] = authKit.Authority,
                ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(directory, "sample.db")}",
            }, readyLine: "Protected Resource Metadata:");

            var text = await DoctorRun.InProcessAsync(sample.Origin + "/mcp", "--token", Token);
            log.WriteLine(text.Output);
            var json = await DoctorRun.JsonAsync(sample.Origin + "/mcp", "--token", Token);

            Assert.Equal(0, text.ExitCode);
            Assert.Equal(0, json.ExitCode);
            Assert.Equal(27, json.Checks.Count);
            Assert.All(json.Checks, c => Assert.True(c.GetProperty("status").GetString() == "pass", c.ToString()));
            Assert.Contains("TokenValidation sample 1.0.0", json.Saw("token-initialize"));
            Assert.DoesNotContain(Token, text.Output + json.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_sample_as_dotnet_run_starts_it_serves_the_printed_token_and_its_stand_in_is_named_as_lacking_the_code_flow()
    {
        string directory = Directory.CreateTempSubdirectory("mcp-doctor-sample-").FullName;
        try
        {
            await using var sample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
            {
                ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(directory, "sample.db")}",
            }, readyLine: "curl -i ");
            string token = sample.Value("Token for", nextLine: true);

            var text = await DoctorRun.InProcessAsync(sample.Value("MCP endpoint:"), "--token", token);
            log.WriteLine(text.Output);
            var json = await DoctorRun.JsonAsync(sample.Value("MCP endpoint:"), "--token", token);

            Assert.Equal(1, json.ExitCode);
            Assert.Equal(["as-authorization-endpoint", "as-pkce-s256", "as-registration"], json.Ids("fail"));
            Assert.Equal(["offline-access"], json.Ids("warn"));
            Assert.Equal(["token-initialize", "token-tools-list", "token-wrong-401"], json.Ids("pass").TakeLast(3));
            Assert.Contains("tools/list: 2 tool(s)", json.Saw("token-tools-list"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_sample_with_its_login_bridge_on_offers_the_code_flow_and_fails_no_check()
    {
        string directory = Directory.CreateTempSubdirectory("mcp-doctor-sample-").FullName;
        try
        {
            await using var sample = await SampleProcess.StartAsync("Development", new Dictionary<string, string>
            {
                ["Sample:Bridge"] = "true",
                ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(directory, "sample.db")}",
            }, readyLine: "curl -i ");
            string token = sample.Value("Token for", nextLine: true);

            var text = await DoctorRun.InProcessAsync(sample.Value("MCP endpoint:"), "--token", token);
            log.WriteLine(text.Output);
            var json = await DoctorRun.JsonAsync(sample.Value("MCP endpoint:"), "--token", token);

            Assert.Equal(0, json.ExitCode);
            Assert.Empty(json.Ids("fail"));
            Assert.Contains("as-pkce-s256", json.Ids("pass"));
            Assert.Contains("as-registration", json.Ids("pass"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

using System.Text.RegularExpressions;
using McpServerSample.Development;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using TokenValidation.ApiKeys;

namespace McpServerSample.Tests;

/// <summary>The <c>new-api-key</c> command, and what the sample refuses to do outside Development.</summary>
public sealed partial class CommandAndEnvironmentTests
{
    [Fact]
    public async Task NewApiKey_PrintsAKeyAndTheConfigurationForItsHash_WithoutStartingTheServer()
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync("Development", new Dictionary<string, string>(), "new-api-key", "ci-bot");

        Assert.Equal(0, exitCode);
        string key = Assert.Single(ApiKeyPattern().Matches(output)).Value;
        string hash = HashLinePattern().Match(output).Groups["hash"].Value;
        Assert.Equal(ApiKeyGenerator.ComputeHash(key), hash);
        Assert.Contains("TokenValidation__ApiKeys__Keys__N__Name=ci-bot", output, StringComparison.Ordinal);
        Assert.Contains($"\"Hash\": \"{hash}\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewApiKey_RefusesANameThatWouldBreakTheConfiguration()
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync("Development", new Dictionary<string, string>(), "new-api-key", "bad\"name");

        Assert.Equal(2, exitCode);
        Assert.DoesNotContain("wcd_", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DevAuthKit_RefusesToRunOutsideDevelopment()
    {
        var production = new HostingEnvironment { EnvironmentName = Environments.Production };

        var error = Assert.Throws<InvalidOperationException>(() => new DevAuthKit(production, "http://127.0.0.1:5080", ["mcp:tools"]));

        Assert.Contains("only in the Development environment", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenValidation:AuthKit:Authority", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithoutConfiguration_FailsAtStartUpNamingTheKeys_AndPrintsNoToken()
    {
        var (exitCode, output) = await SampleProcess.RunToExitAsync(
            "Production",
            new Dictionary<string, string> { ["ConnectionStrings:Sample"] = "Data Source=:memory:" },
            "--urls", "http://127.0.0.1:0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("TokenValidation:AuthKit:Authority is required", output, StringComparison.Ordinal);
        Assert.Contains("TokenValidation:Resource is required", output, StringComparison.Ordinal);
        Assert.DoesNotContain("mat_", output, StringComparison.Ordinal);
    }

    [GeneratedRegex("wcd_[A-Za-z0-9_-]{43}")]
    private static partial Regex ApiKeyPattern();

    [GeneratedRegex("TokenValidation__ApiKeys__Keys__N__Hash=(?<hash>[0-9a-f]{64})")]
    private static partial Regex HashLinePattern();
}

namespace TokenValidation.Doctor.Tests;

/// <summary>Usage errors exit 2 with the usage text; the text report is one line per check with its fix, and never shows the token.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new string[0], "Give the MCP endpoint URL")]
    [InlineData(new[] { "https://example.com/mcp", "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "https://example.com/mcp", "--timeout", "soon" }, "--timeout 'soon' is not a duration")]
    [InlineData(new[] { "https://example.com/mcp", "--token" }, "--token needs a value")]
    [InlineData(new[] { "ftp://example.com/mcp" }, "is not an absolute http(s) URL")]
    [InlineData(new[] { "https://a.example/mcp", "https://b.example/mcp" }, "One URL only")]
    public async Task Bad_usage_exits_2_and_says_what_is_wrong(string[] args, string message)
    {
        var run = await DoctorRun.InProcessAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Contains("Usage: mcp-auth-doctor <mcp-endpoint-url>", run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var run = await DoctorRun.InProcessAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Usage: mcp-auth-doctor", run.Output);
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m", 60_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("3", 3_000)]
    public void Timeouts_read_as_written(string text, int milliseconds)
    {
        Assert.True(DoctorOptions.TryParseTimeout(text, out var timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), timeout);
    }

    [Fact]
    public async Task The_text_report_has_one_line_per_check_a_fix_under_each_failure_and_a_summary()
    {
        await using var host = await BrokenMcpHost.StartAsync(new HostFaults { ResourceSuffix = "/" });

        var run = await DoctorRun.InProcessAsync(host.McpUrl, "--token", BrokenMcpHost.Token);

        Assert.Equal(1, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal($"mcp-auth-doctor {DoctorCommand.Version}: {host.McpUrl}", lines[0]);
        var checkLines = lines.Where(l => l.StartsWith("PASS  ", StringComparison.Ordinal) || l.StartsWith("FAIL  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(27, checkLines.Count);
        int failure = lines.FindIndex(l => l.StartsWith("FAIL  prm-resource ", StringComparison.Ordinal));
        Assert.Contains($"resource is \"{host.McpUrl}/\"", lines[failure]);
        Assert.StartsWith("fix: Set resource to exactly", lines[failure + 1].TrimStart());
        Assert.Equal("26 passed, 0 warning(s), 1 failed, 0 skipped: MCP clients cannot get through until the failures are fixed.", lines[^1]);
        Assert.DoesNotContain("\u001b[", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(BrokenMcpHost.Token, run.Output);
    }

    [Fact]
    public async Task Colour_is_written_only_when_asked_for()
    {
        await using var host = await BrokenMcpHost.StartAsync();
        using var output = new StringWriter();

        int exitCode = await DoctorCommand.RunAsync([host.McpUrl], output, TextWriter.Null, color: true);

        Assert.Equal(0, exitCode);
        Assert.Contains("\u001b[32mPASS\u001b[0m  post-401", output.ToString());
        Assert.Contains("\u001b[90mSKIP\u001b[0m  token-initialize", output.ToString());
    }
}

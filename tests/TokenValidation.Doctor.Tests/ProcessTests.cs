using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace TokenValidation.Doctor.Tests;

/// <summary>The built tool as a user runs it, <c>dotnet mcp-auth-doctor.dll URL</c>, in its own process.</summary>
public sealed class ProcessTests
{
    private static readonly string DoctorDll = typeof(ProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DoctorDll").Value!;

    [Fact]
    public async Task The_tool_process_prints_parsable_json_and_exits_1_on_a_failure()
    {
        await using var host = await BrokenMcpHost.StartAsync(new HostFaults { IssuerSuffix = "/" });

        var (exitCode, output) = await RunAsync(host.McpUrl, "--json", "--timeout", "5s");

        Assert.Equal(1, exitCode);
        using var document = JsonDocument.Parse(output);
        var failed = document.RootElement.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("status").GetString() == "fail");
        Assert.Equal(["as-issuer"], failed.Select(c => c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task The_tool_process_exits_0_on_a_healthy_host_without_colour_when_redirected()
    {
        await using var host = await BrokenMcpHost.StartAsync();

        var (exitCode, output) = await RunAsync(host.McpUrl);

        Assert.Equal(0, exitCode);
        Assert.Contains("PASS  post-401", output);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(DoctorDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.Equal("", await error);
        return (process.ExitCode, await output);
    }
}

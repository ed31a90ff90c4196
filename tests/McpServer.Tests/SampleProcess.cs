using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using TokenValidation.Testing;

namespace McpServerSample.Tests;

/// <summary>
/// The sample as users run it: <c>dotnet McpServer.dll --urls http://127.0.0.1:PORT</c> in its own process, configured
/// through <c>__</c> environment variables, its console captured.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private SampleProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The sample's build output, next to its runtimeconfig and appsettings.</summary>
    public static string DllPath { get; } = typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "McpServerDll").Value!;

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string Origin => $"http://127.0.0.1:{Port}";

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>All output as one string.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Starts the server on a free port in <paramref name="environment"/> with <paramref name="settings"/> (configuration
    /// keys, set as <c>__</c> environment variables) and waits until it prints <paramref name="readyLine"/>;
    /// <paramref name="args"/> are passed after <c>--urls</c> (for example <c>--jwt</c>).
    /// </summary>
    public static async Task<SampleProcess> StartAsync(string environment, IReadOnlyDictionary<string, string> settings, string readyLine, params string[] args)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = LoopbackPorts.FreeTcpPort();
            var sample = new SampleProcess(Launch(environment, settings, ["--urls", $"http://127.0.0.1:{port}", .. args]), port);
            if (await sample.WaitForLineAsync(line => line.Contains(readyLine, StringComparison.Ordinal), StartTimeout))
            {
                return sample;
            }

            string output = sample.Output;
            await sample.DisposeAsync();

            // Another process may have taken the port between picking and binding it.
            if (attempt < 3 && output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            throw new InvalidOperationException($"The sample did not print '{readyLine}'. Its output:\n{output}");
        }
    }

    /// <summary>Runs the program with <paramref name="args"/> to its end (a command, or a start-up that fails).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string environment, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        await using var sample = new SampleProcess(Launch(environment, settings, args), 0);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await sample._process.WaitForExitAsync(timeout.Token);
        return (sample._process.ExitCode, sample.Output);
    }

    /// <summary>Waits until a line satisfies <paramref name="predicate"/>; false when the process ends or time runs out first.</summary>
    public async Task<bool> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_lines.Any(predicate))
            {
                return true;
            }

            if (_process.HasExited)
            {
                // Let the readers drain what the process wrote before it ended.
                _process.WaitForExit();
                return _lines.Any(predicate);
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>The line after the first one starting with <paramref name="label"/> (trimmed), or the rest of that line.</summary>
    public string Value(string label, bool nextLine = false)
    {
        var lines = Lines;
        int index = lines.ToList().FindIndex(l => l.TrimStart().StartsWith(label, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new InvalidOperationException($"No line starts with '{label}'. Output:\n{Output}");
        }

        return nextLine ? lines[index + 1].Trim() : lines[index].TrimStart()[label.Length..].Trim();
    }

    /// <summary>Kills the process (it was started here) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static Process Launch(string environment, IReadOnlyDictionary<string, string> settings, string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(DllPath)!,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Nothing inherited from the test runner's environment may configure the sample.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private void Remember(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}

using System.Net.Http.Headers;
using System.Reflection;
using TokenValidation.Doctor.Checks;
using TokenValidation.Doctor.Reporting;
using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor;

/// <summary>The command: parses the arguments, runs the checks, writes the report, returns the exit code.</summary>
internal static class DoctorCommand
{
    /// <summary>No check failed.</summary>
    public const int ExitOk = 0;

    /// <summary>At least one check failed.</summary>
    public const int ExitFailed = 1;

    /// <summary>The arguments were not usable.</summary>
    public const int ExitUsage = 2;

    /// <summary>The tool's version (informational, without the commit hash).</summary>
    public static string Version { get; } =
        (typeof(DoctorCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>Runs <c>mcp-auth-doctor</c> with <paramref name="args"/>, writing the report to <paramref name="output"/> and usage errors to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool color = false, CancellationToken cancellationToken = default)
    {
        var options = DoctorOptions.Parse(args, out string? problem);
        if (options is null)
        {
            if (problem is null)
            {
                await output.WriteLineAsync(DoctorOptions.Usage).ConfigureAwait(false);
                return ExitOk;
            }

            await error.WriteLineAsync("mcp-auth-doctor: " + problem).ConfigureAwait(false);
            await error.WriteLineAsync().ConfigureAwait(false);
            await error.WriteLineAsync(DoctorOptions.Usage).ConfigureAwait(false);
            return ExitUsage;
        }

        using var handler = new SocketsHttpHandler
        {
            // Redirects are part of what is checked: followed by hand where a client would follow them.
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = options.Timeout,
        };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mcp-auth-doctor", Version));

        var context = new DoctorContext(options.Url, options.Endpoint, new WireClient(http, options.Timeout), options.Token);
        var report = await DoctorRunner.RunAsync(context, cancellationToken).ConfigureAwait(false);
        if (options.Json)
        {
            JsonReportWriter.Write(report, output);
        }
        else
        {
            TextReportWriter.Write(report, output, color);
        }

        return report.ExitCode;
    }
}

using System.Globalization;

namespace TokenValidation.Doctor;

/// <summary>The command line: <c>mcp-auth-doctor URL [--json] [--token T] [--timeout 10s]</c>.</summary>
internal sealed record DoctorOptions(string Url, Uri Endpoint, bool Json, string? Token, TimeSpan Timeout)
{
    /// <summary>The bound on each request when <c>--timeout</c> is not given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: mcp-auth-doctor <mcp-endpoint-url> [--json] [--token <token>] [--timeout <10s>]

        Walks the discovery chain an MCP client walks against the endpoint (401 challenge, Protected Resource
        Metadata, authorization server metadata, CORS, URLs) and prints one line per check with how to fix it.

          --json             print the report as one JSON document (for CI)
          --token <token>    also run an authenticated initialize and tools/list with this access token
                             (sent to the endpoint only, never printed)
          --timeout <time>   bound on each request: 10s (default), 500ms, 1m, or seconds as a number
          -h, --help         show this text

        Exit code: 0 when no check failed, 1 when one did, 2 on bad usage.
        """;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> set when they are not usable, null without it for --help.</summary>
    public static DoctorOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? url = null;
        string? token = null;
        bool json = false;
        var timeout = DefaultTimeout;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    return null;
                case "--json":
                    json = true;
                    break;
                case "--token":
                    token = inline ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(token))
                    {
                        error = "--token needs a value.";
                        return null;
                    }

                    break;
                case "--timeout":
                    string? value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                    if (TryParseTimeout(value, out timeout) is false)
                    {
                        error = $"--timeout '{value}' is not a duration between 1ms and 10m (examples: 10s, 500ms, 1m, 5).";
                        return null;
                    }

                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        error = $"Unknown option '{arg}'.";
                        return null;
                    }

                    if (url is not null)
                    {
                        error = $"One URL only; also got '{arg}'.";
                        return null;
                    }

                    url = arg;
                    break;
            }
        }

        if (url is null)
        {
            error = "Give the MCP endpoint URL, e.g. mcp-auth-doctor https://example.com/mcp";
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            error = $"'{url}' is not an absolute http(s) URL.";
            return null;
        }

        return new DoctorOptions(url, endpoint, json, token, timeout);
    }

    /// <summary>10s, 500ms, 1m, 1.5s, or a bare number of seconds.</summary>
    public static bool TryParseTimeout(string? text, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim().ToLowerInvariant();
        (string number, double unitMs) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1d),
            _ when text.EndsWith('s') => (text[..^1], 1000d),
            _ when text.EndsWith('m') => (text[..^1], 60_000d),
            _ => (text, 1000d),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
        {
            return false;
        }

        timeout = TimeSpan.FromMilliseconds(amount * unitMs);
        return timeout >= TimeSpan.FromMilliseconds(1) && timeout <= TimeSpan.FromMinutes(10);
    }
}

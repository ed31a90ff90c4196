using System.Net;
using System.Text;

namespace TokenValidation.Doctor.Wire;

/// <summary>Showing URLs as written (with invisible characters made visible) and judging their shape.</summary>
internal static class UrlText
{
    /// <summary>The value in quotes with <c>\n</c>, <c>\r</c>, <c>\t</c> and other control characters escaped.</summary>
    public static string Show(string value)
    {
        var text = new StringBuilder("\"");
        foreach (char c in value)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    /// <summary>True when the value starts or ends with whitespace or holds a control character (a newline from an environment variable).</summary>
    public static bool HasStrayWhitespace(string value) =>
        value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.Any(char.IsControl));

    /// <summary>An absolute http(s) URL, read after trimming (clients that trim still reach it).</summary>
    public static Uri? TryAbsolute(string? value) =>
        value is not null && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : null;

    /// <summary>localhost, 127.0.0.0/8 or ::1: where plain http is allowed.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>How <paramref name="actual"/> differs from <paramref name="expected"/>, in words ("has a trailing slash").</summary>
    public static string Difference(string actual, string expected)
    {
        if (actual.Trim() == expected.Trim())
        {
            return "differs only by whitespace or a newline";
        }

        if (actual == expected + "/")
        {
            return "has a trailing slash the other lacks";
        }

        if (actual + "/" == expected)
        {
            return "lacks the other's trailing slash";
        }

        if (string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            return "differs only in upper/lower case";
        }

        if (Uri.TryCreate(actual, UriKind.Absolute, out var a) && Uri.TryCreate(expected, UriKind.Absolute, out var b))
        {
            if (a.Scheme != b.Scheme)
            {
                return $"uses {a.Scheme} instead of {b.Scheme}";
            }

            if (a.Authority != b.Authority)
            {
                return $"names host {a.Authority} instead of {b.Authority}";
            }

            return $"has path {a.AbsolutePath} instead of {b.AbsolutePath}";
        }

        return "is a different value";
    }
}

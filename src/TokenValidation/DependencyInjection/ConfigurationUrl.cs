namespace TokenValidation.DependencyInjection;

/// <summary>Checks a configured URL and says which key is wrong and why.</summary>
internal static class ConfigurationUrl
{
    /// <summary>The problem with <paramref name="value"/> as an absolute URL for <paramref name="key"/>, or <see langword="null"/>.</summary>
    public static string? Check(string key, string? value, bool allowHttp, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            return required ? $"{key} is required." : null;
        }

        if (value.Trim() != value)
        {
            return $"{key} has leading or trailing whitespace (a newline or space copied with the value): '{Escape(value)}'.";
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.IsFile || value.StartsWith('/'))
        {
            return $"{key} must be an absolute URL such as https://example.com, not '{value}'.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
        {
            return $"{key} must use https outside Development (got '{value}').";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"{key} must be an http(s) URL (got '{value}').";
        }

        if (!string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.Query))
        {
            return $"{key} must not have a query or fragment (got '{value}').";
        }

        return null;
    }

    private static string Escape(string value) => value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");
}

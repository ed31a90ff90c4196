namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>The shape an <c>external_auth_id</c> must have before anything is done with it.</summary>
internal static class ExternalAuthId
{
    /// <summary>Why <paramref name="value"/> is refused, or <see langword="null"/> when it is acceptable.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "missing";
        }

        if (value.Length > AuthKitLoginDefaults.MaxExternalAuthIdLength)
        {
            return "too long";
        }

        // RFC 3986 unreserved characters: what an id needs, and nothing that could change the meaning of a URL or a page.
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            {
                return "characters outside A-Z a-z 0-9 - _ . ~";
            }
        }

        return null;
    }
}

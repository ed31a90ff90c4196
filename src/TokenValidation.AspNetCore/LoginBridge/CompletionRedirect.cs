namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>Which <c>redirect_uri</c> from the completion call the browser may be sent to.</summary>
internal static class CompletionRedirect
{
    /// <summary>
    /// True when <paramref name="redirectUri"/> is an absolute https URL (http only when <paramref name="allowHttp"/>)
    /// on the host of <paramref name="authority"/> and its port (or both on their scheme's default), with no user-info part.
    /// </summary>
    public static bool IsAllowed(string? redirectUri, Uri authority, bool allowHttp)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) || redirectUri.Trim() != redirectUri)
        {
            return false;
        }

        bool schemeAllowed = uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp);
        return schemeAllowed
            && uri.UserInfo.Length == 0
            && string.Equals(uri.IdnHost, authority.IdnHost, StringComparison.OrdinalIgnoreCase)
            && (uri.Port == authority.Port || (uri.IsDefaultPort && authority.IsDefaultPort));
    }
}

using System.Text;

namespace TokenValidation.AspNetCore.Challenges;

/// <summary>Builds RFC 6750 §3 <c>WWW-Authenticate: Bearer …</c> values in the attribute order of the contract.</summary>
internal static class BearerChallenge
{
    private const string OfflineAccess = "offline_access";

    /// <summary>
    /// Without an error: <c>Bearer resource_metadata="…", scope="…"</c> (RFC 6750 §3.1: no error when no credentials
    /// were sent). With one: <c>Bearer error="…", error_description="…", scope="…", resource_metadata="…"</c>.
    /// </summary>
    public static string Build(string? error, string? description, string? scope, string? resourceMetadata)
    {
        scope = WithoutOfflineAccess(scope);
        var value = new StringBuilder("Bearer");
        bool first = true;
        if (error is null)
        {
            Append(value, ref first, "resource_metadata", resourceMetadata);
            Append(value, ref first, "scope", scope);
        }
        else
        {
            Append(value, ref first, "error", error);
            Append(value, ref first, "error_description", description);
            Append(value, ref first, "scope", scope);
            Append(value, ref first, "resource_metadata", resourceMetadata);
        }

        return value.ToString();
    }

    /// <summary>
    /// <paramref name="scope"/> without <c>offline_access</c>: clients ask for exactly the challenge's scopes, and a
    /// refresh token is the authorization server's business, not something this resource requires.
    /// </summary>
    internal static string? WithoutOfflineAccess(string? scope)
    {
        if (scope is null || !scope.Contains(OfflineAccess, StringComparison.Ordinal))
        {
            return scope;
        }

        return string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !IsOfflineAccess(s)));
    }

    /// <summary>Whether <paramref name="scope"/> is <c>offline_access</c>, the one scope never advertised.</summary>
    internal static bool IsOfflineAccess(string scope) => string.Equals(scope, OfflineAccess, StringComparison.Ordinal);

    private static void Append(StringBuilder value, ref bool first, string name, string? attribute)
    {
        if (string.IsNullOrEmpty(attribute))
        {
            return;
        }

        value.Append(first ? " " : ", ").Append(name).Append("=\"");
        first = false;
        foreach (char c in attribute)
        {
            // RFC 6750 §3 allows only %x20-21 / %x23-5B / %x5D-7E inside these quoted values.
            value.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '\'');
        }

        value.Append('"');
    }
}

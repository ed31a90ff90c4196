using System.Text;

namespace TokenValidation.AspNetCore.Challenges;

/// <summary>Builds RFC 6750 §3 <c>WWW-Authenticate: Bearer …</c> values in the attribute order of the contract.</summary>
internal static class BearerChallenge
{
    /// <summary>
    /// Without an error: <c>Bearer resource_metadata="…", scope="…"</c> (RFC 6750 §3.1: no error when no credentials
    /// were sent). With one: <c>Bearer error="…", error_description="…", scope="…", resource_metadata="…"</c>.
    /// </summary>
    public static string Build(string? error, string? description, string? scope, string? resourceMetadata)
    {
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

namespace TokenValidation.AspNetCore.Authorization;

/// <summary>RFC 6749 §3.3 scope tokens: what may go inside the quoted <c>scope</c> attribute of a challenge.</summary>
internal static class ScopeToken
{
    /// <summary>Whether <paramref name="scope"/> is a non-empty run of <c>%x21 / %x23-5B / %x5D-7E</c>.</summary>
    public static bool IsValid(string? scope)
    {
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }

        foreach (char c in scope)
        {
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\')
            {
                return false;
            }
        }

        return true;
    }
}

using Microsoft.Extensions.Primitives;

namespace TokenValidation.Parsing;

/// <summary>
/// Reads an RFC 6750 §2.1 bearer token from <c>Authorization</c> header values. Pure and allocation-free apart from
/// the token string itself; never looks at query strings or form fields (the MCP specification forbids tokens in URIs).
/// </summary>
public static class BearerTokenReader
{
    /// <summary>The default limit on a token's length, in characters.</summary>
    public const int DefaultMaxTokenLength = 4096;

    private const string Scheme = "Bearer";

    /// <summary>Reads the token from every <c>Authorization</c> header value the request carried.</summary>
    /// <param name="authorization">All values of the <c>Authorization</c> header; more than one is malformed.</param>
    /// <param name="maxTokenLength">Tokens longer than this are rejected as <c>invalid_token</c>.</param>
    public static BearerTokenReadResult Read(StringValues authorization, int maxTokenLength = DefaultMaxTokenLength)
    {
        if (authorization.Count == 0)
        {
            return new(BearerTokenStatus.Missing, null, null);
        }

        if (authorization.Count > 1)
        {
            return new(BearerTokenStatus.Malformed, null, "More than one Authorization header.");
        }

        return Read(authorization[0].AsSpan(), maxTokenLength);
    }

    /// <summary>Reads the token from one <c>Authorization</c> header value.</summary>
    internal static BearerTokenReadResult Read(ReadOnlySpan<char> value, int maxTokenLength)
    {
        // Servers may keep surrounding optional whitespace (RFC 9110 §5.5); it is not part of the credentials.
        value = value.Trim([' ', '\t']);
        if (value.IsEmpty)
        {
            return new(BearerTokenStatus.Malformed, null, "The Authorization header is empty.");
        }

        int space = value.IndexOfAny(' ', '\t');
        var scheme = space < 0 ? value : value[..space];
        if (!scheme.Equals(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            // Another scheme (Basic, DPoP, …) carries no bearer token; a plain challenge tells the client what to send.
            return ContainsOnlyTokenCharacters(scheme)
                ? new(BearerTokenStatus.Missing, null, null)
                : new(BearerTokenStatus.Malformed, null, "The Authorization header is malformed.");
        }

        if (space < 0)
        {
            return new(BearerTokenStatus.Malformed, null, "The Bearer scheme has no token.");
        }

        // RFC 9110 §11.4: credentials = auth-scheme [ 1*SP token68 ]; a tab is not a separator there.
        if (value[space] == '\t')
        {
            return new(BearerTokenStatus.Malformed, null, "The scheme and the token must be separated by spaces.");
        }

        var token = value[(space + 1)..].TrimStart(' ');
        if (token.IsEmpty)
        {
            return new(BearerTokenStatus.Malformed, null, "The Bearer scheme has no token.");
        }

        if (token.Length > maxTokenLength)
        {
            return new(BearerTokenStatus.InvalidToken, null, "The token is too long.");
        }

        if (!IsB64Token(token))
        {
            return token.ContainsAny(' ', '\t')
                ? new(BearerTokenStatus.Malformed, null, "The Authorization header is malformed.")
                : new(BearerTokenStatus.InvalidToken, null, "The token contains characters a bearer token cannot have.");
        }

        return new(BearerTokenStatus.Found, token.ToString(), null);
    }

    /// <summary>Whether <paramref name="token"/> is an RFC 6750 b64token: <c>1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="</c>.</summary>
    public static bool IsB64Token(ReadOnlySpan<char> token)
    {
        int end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        return !token[..end].ContainsAnyExcept(B64TokenChars.Values);
    }

    // RFC 9110 token characters, for telling another auth scheme from garbage.
    private static bool ContainsOnlyTokenCharacters(ReadOnlySpan<char> scheme) =>
        !scheme.IsEmpty && !scheme.ContainsAnyExcept(B64TokenChars.SchemeValues);
}

namespace TokenValidation.Doctor.Wire;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 9110 §11.6.1): its scheme and auth-params, parsed here
/// from the raw header rather than by any server-side code.
/// </summary>
internal sealed class BearerChallenge
{
    private readonly Dictionary<string, string> _parameters = new(StringComparer.OrdinalIgnoreCase);

    private BearerChallenge(string scheme) => Scheme = scheme;

    /// <summary>The auth-scheme as sent (<c>Bearer</c>).</summary>
    public string Scheme { get; }

    /// <summary>The auth-params, names case-insensitive, first occurrence kept.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>A parameter's value, or null.</summary>
    public string? this[string name] => _parameters.GetValueOrDefault(name);

    /// <summary>The first Bearer challenge among every value of the header, or null.</summary>
    public static BearerChallenge? FindBearer(IEnumerable<string> headerValues) =>
        headerValues.SelectMany(Parse).FirstOrDefault(c => string.Equals(c.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase));

    /// <summary>Every challenge in one header value (<c>Basic realm="a", Bearer scope="b"</c> holds two).</summary>
    public static IReadOnlyList<BearerChallenge> Parse(string header)
    {
        var challenges = new List<BearerChallenge>();
        int i = 0;
        while (true)
        {
            SkipSeparators(header, ref i);
            string scheme = ReadToken(header, ref i);
            if (scheme.Length == 0)
            {
                return challenges;
            }

            var challenge = new BearerChallenge(scheme);
            challenges.Add(challenge);
            while (true)
            {
                SkipSeparators(header, ref i);
                int start = i;
                string name = ReadToken(header, ref i);
                SkipSpaces(header, ref i);
                if (name.Length == 0 || i >= header.Length || header[i] != '=')
                {
                    // Not name=value: the next challenge's scheme starts here (or a token68, which Bearer never uses).
                    i = start;
                    break;
                }

                i++;
                SkipSpaces(header, ref i);
                string value = i < header.Length && header[i] == '"' ? ReadQuoted(header, ref i) : ReadToken(header, ref i);
                challenge._parameters.TryAdd(name, value);
            }
        }
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t'))
        {
            i++;
        }
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
        {
            i++;
        }
    }

    private static string ReadToken(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && s[i] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            i++;
        }

        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var value = new System.Text.StringBuilder();
        for (i++; i < s.Length && s[i] != '"'; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            value.Append(s[i]);
        }

        i++;
        return value.ToString();
    }
}

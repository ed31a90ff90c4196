using System.Text;

namespace McpServerSample.Tests;

/// <summary>
/// The <c>curl</c> line the sample prints, read the way a POSIX shell and curl would: words split on spaces, single
/// quotes taken literally; <c>-H</c> adds a header, <c>-d</c> a body (and makes it a POST), <c>-i</c> changes nothing
/// sent. Anything else fails the parse, so the test notices when the printed command grows an option it ignores.
/// </summary>
public sealed class CurlCommand
{
    private CurlCommand(Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, string? body)
    {
        Url = url;
        Headers = headers;
        Body = body;
    }

    /// <summary>The URL.</summary>
    public Uri Url { get; }

    /// <summary>The <c>-H</c> headers, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The <c>-d</c> body.</summary>
    public string? Body { get; }

    /// <summary>Parses <paramref name="line"/>.</summary>
    public static CurlCommand Parse(string line)
    {
        var words = Split(line);
        if (words.Count == 0 || words[0] != "curl")
        {
            throw new FormatException($"Not a curl command: {line}");
        }

        Uri? url = null;
        string? body = null;
        var headers = new List<KeyValuePair<string, string>>();
        for (int i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-i":
                    break;
                case "-H":
                    string header = words[++i];
                    int colon = header.IndexOf(':', StringComparison.Ordinal);
                    headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                case "-d":
                    body = words[++i];
                    break;
                case var word when !word.StartsWith('-') && url is null:
                    url = new Uri(word);
                    break;
                default:
                    throw new FormatException($"Unexpected curl argument '{words[i]}' in: {line}");
            }
        }

        return new CurlCommand(url ?? throw new FormatException($"No URL in: {line}"), headers, body);
    }

    /// <summary>The request curl would send; without the <c>Authorization</c> header when <paramref name="withAuthorization"/> is false.</summary>
    public HttpRequestMessage ToRequest(bool withAuthorization = true)
    {
        var request = new HttpRequestMessage(Body is null ? HttpMethod.Get : HttpMethod.Post, Url);
        if (Body is not null)
        {
            // curl -d sends application/x-www-form-urlencoded unless a Content-Type header says otherwise.
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        }

        foreach (var (name, value) in Headers)
        {
            if (!withAuthorization && name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && request.Content is not null)
            {
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static List<string> Split(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false, quoted = false;
        foreach (char c in line.Trim())
        {
            if (quoted)
            {
                if (c == '\'')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '\'')
            {
                quoted = inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else if (c is '"' or '\\' or '$' or '`')
            {
                throw new FormatException($"Unquoted shell metacharacter '{c}' in: {line}");
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quoted)
        {
            throw new FormatException($"Unterminated quote in: {line}");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}

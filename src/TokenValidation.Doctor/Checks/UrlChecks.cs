using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>Every URL seen on the way: no stray whitespace or newlines (seed 003's redirect loop), https outside loopback.</summary>
internal sealed class UrlChecks : ICheckGroup
{
    public Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var seen = context.SeenUrls.Prepend((Where: "the endpoint you gave", Url: context.EndpointText)).ToList();

        const string WhitespaceTitle = "No whitespace or newlines in URLs";
        var stray = seen.Where(u => UrlText.HasStrayWhitespace(u.Url)).ToList();
        if (stray.Count > 0)
        {
            context.Fail("url-whitespace", WhitespaceTitle,
                string.Join("; ", stray.Select(u => $"{u.Where} is {UrlText.Show(u.Url)}")),
                "Remove the whitespace or newline: it usually comes from an environment variable or secret set with a trailing \\n (echo adds one; use printf or trim the value). Clients compare these URLs byte for byte, and a trailing newline in authorization_servers is a classic cause of a sign-in redirect loop.");
        }
        else
        {
            context.Pass("url-whitespace", WhitespaceTitle, $"{seen.Count} URL(s) clean");
        }

        const string HttpsTitle = "https outside loopback";
        var plain = seen.Select(u => (u.Where, u.Url, Uri: UrlText.TryAbsolute(u.Url)))
            .Where(u => u.Uri is not null && u.Uri.Scheme == Uri.UriSchemeHttp && !UrlText.IsLoopback(u.Uri))
            .ToList();
        if (plain.Count > 0)
        {
            context.Fail("url-https", HttpsTitle,
                string.Join("; ", plain.Select(u => $"{u.Where} is {UrlText.Show(u.Url)}")),
                "Serve these over https: OAuth 2.1 and MCP clients refuse plain http except on localhost. Behind a proxy that ends TLS, make the server build its URLs from the public https scheme (forwarded headers) or configure them explicitly.");
        }
        else
        {
            bool loopback = seen.Any(u => UrlText.TryAbsolute(u.Url) is { Scheme: "http" });
            context.Pass("url-https", HttpsTitle, loopback ? "http only on loopback (fine for local development)" : "every URL is https");
        }

        return Task.CompletedTask;
    }
}

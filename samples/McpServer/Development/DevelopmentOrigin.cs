namespace McpServerSample.Development;

/// <summary>Where the sample listens in Development: the origin of its default resource URL and of the AuthKit stand-in.</summary>
internal static class DevelopmentOrigin
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The first configured URL (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, launchSettings), else <see cref="DefaultUrl"/>.</summary>
    public static string Resolve(WebApplicationBuilder builder)
    {
        string? urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            builder.WebHost.UseUrls(DefaultUrl);
            return DefaultUrl;
        }

        // Kestrel's wildcard hosts are listening addresses, not ones a client can call.
        string first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        foreach (var wildcard in (string[])["://*", "://+", "://0.0.0.0", "://[::]"])
        {
            first = first.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        }

        var uri = new Uri(first);
        if (uri.Port == 0)
        {
            throw new InvalidOperationException(
                $"In Development the sample derives its resource URL and AuthKit stand-in from the URL it listens on, which needs a fixed port (urls is '{urls}'). " +
                "Use --urls http://127.0.0.1:5080, or configure TokenValidation:Resource and TokenValidation:AuthKit:Authority.");
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }
}

using TokenValidation.DependencyInjection;

namespace TokenValidation.Tests.Core;

/// <summary>CONTRACT §8: a configured URL is checked at start-up, and the message names the key and what is wrong.</summary>
public sealed class ConfigurationUrlTests
{
    private const string Key = "TokenValidation:AuthKit:Authority";

    [Theory]
    [InlineData("https://auth.example.com", false)]
    [InlineData("https://auth.example.com/tenant/", false)]
    [InlineData("http://localhost:5000", true)]
    public void An_absolute_http_or_https_URL_without_query_or_fragment_is_accepted(string value, bool allowHttp)
    {
        Assert.Null(ConfigurationUrl.Check(Key, value, allowHttp));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_required_URL_is_named_and_an_optional_one_is_fine(string? value)
    {
        Assert.Equal(Key + " is required.", ConfigurationUrl.Check(Key, value, allowHttp: false));
        Assert.Null(ConfigurationUrl.Check(Key, value, allowHttp: false, required: false));
    }

    [Theory]
    [InlineData("https://auth.example.com\n", "'https://auth.example.com\\n'")]
    [InlineData("\thttps://auth.example.com", "'\\thttps://auth.example.com'")]
    [InlineData("https://auth.example.com\r\n", "'https://auth.example.com\\r\\n'")]
    [InlineData(" https://auth.example.com", "' https://auth.example.com'")]
    public void Surrounding_whitespace_is_refused_and_shown_escaped(string value, string shown)
    {
        Assert.Equal(
            $"{Key} has leading or trailing whitespace (a newline or space copied with the value): {shown}.",
            ConfigurationUrl.Check(Key, value, allowHttp: true, required: false));
    }

    [Theory]
    [InlineData("/relative")]
    [InlineData("relative/path")]
    [InlineData("file:///etc/passwd")]
    public void A_relative_path_or_file_URL_is_not_an_absolute_URL(string value)
    {
        Assert.Equal($"{Key} must be an absolute URL such as https://example.com, not '{value}'.", ConfigurationUrl.Check(Key, value, allowHttp: true));
    }

    [Fact]
    public void Http_is_refused_unless_allowed()
    {
        Assert.Equal($"{Key} must use https outside Development (got 'http://auth.example.com').", ConfigurationUrl.Check(Key, "http://auth.example.com", allowHttp: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Other_schemes_are_refused(bool allowHttp)
    {
        Assert.Equal($"{Key} must be an http(s) URL (got 'ftp://auth.example.com').", ConfigurationUrl.Check(Key, "ftp://auth.example.com", allowHttp));
    }

    [Theory]
    [InlineData("https://auth.example.com/?tenant=1")]
    [InlineData("https://auth.example.com/#top")]
    public void A_query_or_fragment_is_refused(string value)
    {
        Assert.Equal($"{Key} must not have a query or fragment (got '{value}').", ConfigurationUrl.Check(Key, value, allowHttp: false));
    }
}

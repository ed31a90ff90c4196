using TokenValidation.Audience;

namespace TokenValidation.Tests.Audience;

/// <summary>
/// CONTRACT §13: which audiences name this resource. One rule for JWTs and introspection answers, so it is checked here
/// directly, with the cases the end-to-end tests (JwtValidationTests, IntrospectionValidationTests) do not reach.
/// </summary>
public sealed class AudienceRuleTests
{
    [Theory]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com/mcp", "HTTPS://MCP.EXAMPLE.COM/mcp/")]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com:443/mcp")]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com/mcp#section")]
    [InlineData("http://mcp.example.com/mcp", "HTTP://Mcp.Example.com:80/mcp/")]
    [InlineData("https://mcp.example.com:8443/mcp/", "https://MCP.example.com:8443/mcp")]
    [InlineData("https://mcp.example.com/", "https://mcp.example.com")]
    [InlineData("https://mcp.example.com/mcp?tenant=a", "https://MCP.example.com/mcp?tenant=a")]
    public void An_http_or_https_audience_names_the_resource_in_canonical_form(string resource, string audience)
    {
        var rule = new AudienceRule([resource], required: true);

        Assert.True(rule.Accepts([audience]));
    }

    [Theory]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com/other")]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com/mcp/more")]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com")]
    [InlineData("https://mcp.example.com/mcp", "http://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com:8443/mcp")]
    [InlineData("https://mcp.example.com:8443/mcp", "https://mcp.example.com:9443/mcp")]
    [InlineData("https://mcp.example.com:8443/mcp", "https://mcp.example.com8443/mcp")]
    [InlineData("https://mcp.example.com/mcp?tenant=a", "https://mcp.example.com/mcp?tenant=b")]
    public void Another_path_port_scheme_or_query_is_another_resource(string resource, string audience)
    {
        var rule = new AudienceRule([resource], required: true);

        Assert.False(rule.Accepts([audience]));
    }

    [Theory]
    [InlineData("client-abc", "client-abc", true)]
    [InlineData("client-abc", "CLIENT-ABC", false)]
    [InlineData("urn:example:mcp", "urn:example:mcp", true)]
    [InlineData("urn:example:mcp", "URN:example:mcp", false)]
    [InlineData("ftp://files.example.com/mcp/", "ftp://files.example.com/mcp/", true)]
    [InlineData("ftp://files.example.com/mcp/", "ftp://FILES.example.com/mcp", false)]
    public void Anything_but_an_http_or_https_url_is_compared_exactly(string accepted, string audience, bool expected)
    {
        var rule = new AudienceRule([accepted], required: true);

        Assert.Equal(expected, rule.Accepts([audience]));
    }

    [Fact]
    public void Blank_accepted_audiences_accept_nothing_not_even_a_blank_audience()
    {
        var rule = new AudienceRule([null, "", " ", "\t"], required: true);

        Assert.False(rule.Accepts([" "]));
        Assert.False(rule.Accepts(["\t"]));
        Assert.False(rule.Accepts([""]));
        Assert.False(rule.Accepts([]));
        Assert.Empty(rule.Accepted);
    }

    [Fact]
    public void One_accepted_audience_among_several_is_enough_and_none_is_not()
    {
        var rule = new AudienceRule(["https://mcp.example.com/mcp", "client-abc"], required: true);

        Assert.True(rule.Accepts(["", "https://other.example.com", "client-abc"]));
        Assert.False(rule.Accepts(["", "https://other.example.com", "client-xyz"]));
        Assert.False(rule.Accepts([]));
    }

    [Fact]
    public void When_not_required_any_audience_or_none_passes()
    {
        var rule = new AudienceRule(["https://mcp.example.com/mcp"], required: false);

        Assert.False(rule.Required);
        Assert.True(rule.Accepts([]));
        Assert.True(rule.Accepts(["https://other.example.com/mcp"]));
    }
}

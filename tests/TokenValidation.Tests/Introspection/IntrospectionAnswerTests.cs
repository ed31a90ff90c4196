using System.Text;
using TokenValidation.Audience;
using TokenValidation.Introspection;

namespace TokenValidation.Tests.Introspection;

/// <summary>
/// CONTRACT §12: what a 200 from the introspection endpoint means, member by member, read directly (the end-to-end tests
/// in <see cref="IntrospectionValidationTests"/> cover the request and the cache). A broken answer is Unavailable with a
/// reason for the operator's warning log; a token the server or our rules refuse is Invalid with its description.
/// </summary>
public sealed class IntrospectionAnswerTests
{
    private const string Issuer = "https://as.example.com";
    private const string Resource = "https://mcp.example.com/mcp";
    private const string Unreachable = "The authorization server could not be reached.";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

    [Theory]
    [InlineData("<html>login</html>", "answer is not JSON")]
    [InlineData("""["active"]""", "answer is not a JSON object with a boolean active")]
    [InlineData("""{"sub":"user_01"}""", "answer is not a JSON object with a boolean active")]
    [InlineData("""{"active":"true"}""", "answer is not a JSON object with a boolean active")]
    [InlineData("""{"active":1}""", "answer is not a JSON object with a boolean active")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","iss":42}""", "iss is not a string")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","exp":"tomorrow"}""", "exp is not a number")]
    [InlineData("""{"active":true,"sub":"user_01","aud":42}""", "aud is neither a string nor an array of strings")]
    [InlineData("""{"active":true,"sub":"user_01","aud":{"a":"%R"}}""", "aud is neither a string nor an array of strings")]
    [InlineData("""{"active":true,"sub":"user_01","aud":["%R",42]}""", "aud is neither a string nor an array of strings")]
    [InlineData("""{"active":true,"sub":42,"aud":"%R"}""", "sub is not a string")]
    public void A_broken_answer_is_unavailable_with_a_reason_naming_what_is_wrong(string body, string reason)
    {
        var (result, why) = Read(body);

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(Unreachable, result.ErrorDescription);
        Assert.Equal(reason, why);
    }

    [Theory]
    [InlineData("""{"active":false,"sub":"user_01","aud":"%R"}""", IntrospectionAnswer.NotActive)]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","iss":"https://evil.example.com"}""", "The token was issued by another authorization server.")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","iss":"https://as.example.com/"}""", "The token was issued by another authorization server.")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","exp":1899999999}""", "The token has expired.")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","exp":1900000000}""", "The token has expired.")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","exp":-5}""", "The token has expired.")]
    [InlineData("""{"active":true,"sub":"user_01"}""", AudienceRule.Mismatch)]
    [InlineData("""{"active":true,"sub":"user_01","aud":null}""", AudienceRule.Mismatch)]
    [InlineData("""{"active":true,"sub":"user_01","aud":[]}""", AudienceRule.Mismatch)]
    [InlineData("""{"active":true,"sub":"user_01","aud":["https://other.example.com/mcp"]}""", AudienceRule.Mismatch)]
    [InlineData("""{"active":true,"aud":"%R"}""", "The token has no subject.")]
    [InlineData("""{"active":true,"sub":"","aud":"%R"}""", "The token has no subject.")]
    [InlineData("""{"active":true,"sub":"","client_id":"","aud":"%R"}""", "The token has no subject.")]
    [InlineData("""{"active":true,"client_id":42,"aud":"%R"}""", "The token has no subject.")]
    public void A_token_the_server_or_our_rules_refuse_is_invalid_with_its_description(string body, string description)
    {
        var (result, _) = Read(body);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(description, result.ErrorDescription);
    }

    [Theory]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","exp":1900000001}""")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","exp":1e300}""")]
    [InlineData("""{"active":true,"sub":"user_01","aud":["https://other.example.com","%R"]}""")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"%R","iss":"https://as.example.com"}""")]
    public void An_active_answer_that_passes_every_rule_is_valid(string body)
    {
        var (result, reason) = Read(body);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal("user_01", result.Identity!.Subject);
        Assert.Equal("active", reason);
    }

    [Fact]
    public void Without_an_audience_requirement_an_answer_with_no_or_a_null_aud_is_valid()
    {
        Assert.Equal(TokenValidationOutcome.Valid, Read("""{"active":true,"sub":"user_01"}""", required: false).Result.Outcome);
        Assert.Equal(TokenValidationOutcome.Valid, Read("""{"active":true,"sub":"user_01","aud":null}""", required: false).Result.Outcome);
    }

    [Fact]
    public void A_client_credentials_answer_takes_its_client_id_as_subject_and_keeps_every_other_member()
    {
        var (result, _) = Read("""{"active":true,"sub":"","client_id":"svc-9","aud":"%R","scope":"mcp:tools","org":"o1"}""");

        var identity = result.Identity!;
        Assert.Equal("svc-9", identity.Subject);
        Assert.Equal(["mcp:tools"], identity.Scopes);
        Assert.Contains(new TokenClaim("client_id", "svc-9"), identity.Claims);
        Assert.Contains(new TokenClaim("org", "o1"), identity.Claims);
        Assert.DoesNotContain(identity.Claims, c => c.Type is "sub" or "active");
    }

    private static (TokenCheckResult Result, string Reason) Read(string body, bool required = true)
    {
        var options = new IntrospectionOptions { Issuer = Issuer };
        var answer = new IntrospectionAnswer(options, new AudienceRule([Resource], required), new FakeTimeProvider(Now));
        return answer.Read(Encoding.UTF8.GetBytes(body.Replace("%R", Resource, StringComparison.Ordinal)));
    }
}

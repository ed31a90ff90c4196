using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Tests;

/// <summary>The doctor's own reading of WWW-Authenticate (RFC 9110 §11.6.1), independent of any server code.</summary>
public sealed class BearerChallengeTests
{
    [Fact]
    public void The_bearer_challenge_is_found_among_several_with_quoted_commas_and_escapes()
    {
        var challenge = BearerChallenge.FindBearer(["Basic realm=\"a, b\", Bearer resource_metadata=\"https://x.example/.well-known/oauth-protected-resource\", scope=\"mcp:tools notes:read\", error_description=\"say \\\"hi\\\"\""]);

        Assert.NotNull(challenge);
        Assert.Equal("https://x.example/.well-known/oauth-protected-resource", challenge["resource_metadata"]);
        Assert.Equal("mcp:tools notes:read", challenge["SCOPE"]);
        Assert.Equal("say \"hi\"", challenge["error_description"]);
        Assert.Null(challenge["error"]);
    }

    [Fact]
    public void Token_values_and_a_second_challenge_are_read()
    {
        var challenges = BearerChallenge.Parse("Bearer error=invalid_token, realm=\"mcp\" DPoP algs=\"ES256\"");

        Assert.Equal(["Bearer", "DPoP"], challenges.Select(c => c.Scheme));
        Assert.Equal("invalid_token", challenges[0]["error"]);
        Assert.Equal("mcp", challenges[0]["realm"]);
        Assert.Equal("ES256", challenges[1]["algs"]);
    }

    [Fact]
    public void A_header_without_bearer_has_no_bearer_challenge()
    {
        Assert.Null(BearerChallenge.FindBearer(["Basic realm=\"x\""]));
        Assert.Null(BearerChallenge.FindBearer([]));
    }
}

using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace TokenValidation.Tests.Jwt;

/// <summary>CONTRACT §3: the unverified <c>iss</c> only picks an issuer's keys; one that is not a usable string picks none.</summary>
public sealed class JwtIssuerClaimTests
{
    [Theory]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("[\"https://issuer.example.com\"]")]
    public async Task A_jwt_whose_iss_is_not_a_non_empty_string_is_invalid_without_a_network_call(string issuerJson)
    {
        await using var host = await JwtHost.StartAsync();
        string token = Compact(
            """{"alg":"RS256","typ":"at+jwt","kid":"k1"}""",
            $$"""{"iss":{{issuerJson}},"sub":"user_01","aud":"{{JwtHost.Resource}}","exp":4102444800}""");

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal(0, host.Server.JwksCalls + host.Server.MetadataCalls);
    }

    [Fact]
    public async Task A_jwt_without_iss_is_invalid_without_a_network_call()
    {
        await using var host = await JwtHost.StartAsync();
        string token = Compact(
            """{"alg":"RS256","typ":"at+jwt","kid":"k1"}""",
            $$"""{"sub":"user_01","aud":"{{JwtHost.Resource}}","exp":4102444800}""");

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(0, host.Server.JwksCalls + host.Server.MetadataCalls);
    }

    private static string Compact(string header, string payload) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + ".c2lnbmF0dXJl";
}

using Microsoft.Extensions.Primitives;
using TokenValidation.Parsing;

namespace TokenValidation.Tests.Parsing;

/// <summary>CONTRACT §2: reading the token from the Authorization header.</summary>
public sealed class BearerTokenReaderTests
{
    [Theory]
    [InlineData("Bearer mat_abc", "mat_abc")]
    [InlineData("bearer mat_abc", "mat_abc")]
    [InlineData("BEARER mat_abc", "mat_abc")]
    [InlineData("Bearer   mat_abc  ", "mat_abc")]
    [InlineData("Bearer a-b.c_d~e+f/g==", "a-b.c_d~e+f/g==")]
    public void Well_formed_headers_yield_the_token(string header, string token)
    {
        var result = BearerTokenReader.Read(new StringValues(header));

        Assert.Equal(BearerTokenStatus.Found, result.Status);
        Assert.Equal(token, result.Token);
        Assert.Null(result.Error);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("DPoP abc")]
    public void Other_schemes_are_missing_bearer_credentials(string header)
    {
        var result = BearerTokenReader.Read(new StringValues(header));

        Assert.Equal(BearerTokenStatus.Missing, result.Status);
        Assert.Null(result.Error);
    }

    [Fact]
    public void No_header_is_missing()
    {
        Assert.Equal(BearerTokenStatus.Missing, BearerTokenReader.Read(StringValues.Empty).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer mat_a mat_b")]
    [InlineData("Bearer\u0000 abc")]
    public void Malformed_headers_are_invalid_request(string header)
    {
        var result = BearerTokenReader.Read(new StringValues(header));

        Assert.Equal(BearerTokenStatus.Malformed, result.Status);
        Assert.Equal(TokenErrors.InvalidRequest, result.Error);
    }

    [Theory]
    [InlineData("Bearer\tmat_abc")]
    [InlineData("Bearer \tmat_abc")]
    [InlineData("Bearer\t mat_abc")]
    public void A_tab_between_scheme_and_token_is_malformed(string header)
    {
        var result = BearerTokenReader.Read(new StringValues(header));

        Assert.Equal(BearerTokenStatus.Malformed, result.Status);
        Assert.Equal(TokenErrors.InvalidRequest, result.Error);
        Assert.Null(result.Token);
    }

    [Fact]
    public void More_than_one_authorization_header_is_invalid_request()
    {
        var result = BearerTokenReader.Read(new StringValues(["Bearer mat_a", "Bearer mat_b"]));

        Assert.Equal(BearerTokenStatus.Malformed, result.Status);
        Assert.Equal(TokenErrors.InvalidRequest, result.Error);
    }

    [Theory]
    [InlineData("Bearer mat_ab\"c")]
    [InlineData("Bearer mat_ab,c")]
    [InlineData("Bearer mat_é")]
    [InlineData("Bearer mat_ab\u0001")]
    [InlineData("Bearer ==abc")]
    [InlineData("Bearer abc=def")]
    [InlineData("Bearer =")]
    public void Characters_outside_b64token_are_invalid_token(string header)
    {
        var result = BearerTokenReader.Read(new StringValues(header));

        Assert.Equal(BearerTokenStatus.InvalidToken, result.Status);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Null(result.Token);
    }

    [Fact]
    public void Tokens_over_the_limit_are_invalid_token_and_the_limit_itself_is_fine()
    {
        Assert.Equal(BearerTokenStatus.Found, BearerTokenReader.Read(new StringValues("Bearer " + new string('a', 4096))).Status);
        Assert.Equal(BearerTokenStatus.InvalidToken, BearerTokenReader.Read(new StringValues("Bearer " + new string('a', 4097))).Status);
        Assert.Equal(BearerTokenStatus.InvalidToken, BearerTokenReader.Read(new StringValues("Bearer " + new string('a', 101)), maxTokenLength: 100).Status);
    }

    [Fact]
    public void Error_descriptions_never_echo_the_token()
    {
        var result = BearerTokenReader.Read(new StringValues("Bearer mat_secret\"value"));

        Assert.DoesNotContain("secret", result.ErrorDescription);
    }
}

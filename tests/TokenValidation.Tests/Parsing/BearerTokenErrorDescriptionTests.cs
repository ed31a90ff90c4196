using Microsoft.Extensions.Primitives;
using TokenValidation.Parsing;

namespace TokenValidation.Tests.Parsing;

/// <summary>CONTRACT §2: each way a header can be wrong has its own status and the error_description the client reads.</summary>
public sealed class BearerTokenErrorDescriptionTests
{
    [Theory]
    [InlineData("   ", BearerTokenStatus.Malformed, "The Authorization header is empty.")]
    [InlineData("Bear\"er abc", BearerTokenStatus.Malformed, "The Authorization header is malformed.")]
    [InlineData("Bearer", BearerTokenStatus.Malformed, "The Bearer scheme has no token.")]
    [InlineData("Bearer\tabc", BearerTokenStatus.Malformed, "The scheme and the token must be separated by spaces.")]
    [InlineData("Bearer abc def", BearerTokenStatus.Malformed, "The Authorization header is malformed.")]
    [InlineData("Bearer abc,def", BearerTokenStatus.InvalidToken, "The token contains characters a bearer token cannot have.")]
    [InlineData("Bearer abcdefghij", BearerTokenStatus.InvalidToken, "The token is too long.")]
    public void Each_malformed_header_has_its_own_description(string header, BearerTokenStatus status, string description)
    {
        var result = BearerTokenReader.Read(new StringValues(header), maxTokenLength: 8);

        Assert.Equal(status, result.Status);
        Assert.Equal(description, result.ErrorDescription);
        Assert.Null(result.Token);
    }

    [Fact]
    public void Two_authorization_headers_say_so()
    {
        var result = BearerTokenReader.Read(new StringValues(["Bearer a", "Bearer b"]));

        Assert.Equal(BearerTokenStatus.Malformed, result.Status);
        Assert.Equal("More than one Authorization header.", result.ErrorDescription);
    }
}

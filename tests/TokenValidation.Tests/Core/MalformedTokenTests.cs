namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §3: a token with characters no bearer token may hold is answered at once, saying why, to callers of the
/// service itself (the ASP.NET Core handler refuses such a header before the service sees it).
/// </summary>
public sealed class MalformedTokenTests
{
    [Theory]
    [InlineData("mat_has space")]
    [InlineData("mat_quote\"")]
    public async Task A_token_with_characters_a_bearer_token_cannot_hold_is_invalid_saying_it_is_malformed(string token)
    {
        await using var host = await CoreHost.StartAsync();

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, result.Error);
        Assert.Equal("The token is malformed.", result.ErrorDescription);
        Assert.Equal(0, host.AuthKit.UserInfoCalls);
    }
}

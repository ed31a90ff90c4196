using Microsoft.AspNetCore.Http;
using static TokenValidation.Tests.Introspection.IntrospectionHost;

namespace TokenValidation.Tests.Introspection;

/// <summary>
/// The introspection request as written byte by byte (form and headers without the framework's header objects) and the
/// answer read in one identity pass: what reaches the server and what comes back must not change.
/// </summary>
public sealed class IntrospectionRequestAndParseTests
{
    [Theory]
    [InlineData("ab+cd/ef==")]
    [InlineData("tok~en.with-_all+the/b64token_chars==")]
    public async Task A_token_with_form_reserved_characters_reaches_the_server_exactly(string suffix)
    {
        await using var host = await StartAsync();
        string token = "opaque" + Guid.NewGuid().ToString("N") + suffix;
        host.Server.AddActiveToken(token, "user_01", Resource);

        var result = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
        Assert.Equal($"[{token.Length} chars]", host.Server.LastIntrospectionForm!["token"]);
        Assert.Equal("access_token", host.Server.LastIntrospectionForm["token_type_hint"]);
        Assert.Equal(2, host.Server.LastIntrospectionForm.Count);
    }

    [Fact]
    public async Task A_fractional_exp_is_the_expiry_and_stays_a_claim_while_active_never_does()
    {
        await using var host = await StartAsync();
        string token = "opaque-" + Guid.NewGuid().ToString("N");
        long exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        host.Server.IntrospectionBehavior = context => WriteAsync(context,
            $$"""{"active":true,"sub":"user_01","aud":"{{Resource}}","exp":{{exp}}.75,"tags":["a","b"],"active_org":"org_7"}""");

        var identity = (await host.Validation.ValidateAsync(token)).Identity!;

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), identity.ExpiresAt);
        Assert.Contains(new TokenClaim("exp", $"{exp}.75"), identity.Claims);
        Assert.Contains(new TokenClaim("active_org", "org_7"), identity.Claims);
        Assert.Equal([new TokenClaim("tags", "a"), new TokenClaim("tags", "b")], identity.Claims.Where(c => c.Type == "tags"));
        Assert.DoesNotContain(identity.Claims, c => c.Type == "active");
    }

    [Fact]
    public async Task An_integer_exp_is_the_expiry_and_not_a_claim()
    {
        await using var host = await StartAsync();
        string token = "opaque-" + Guid.NewGuid().ToString("N");
        long exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        host.Server.IntrospectionBehavior = context => WriteAsync(context, $$"""{"active":true,"sub":"user_01","aud":"{{Resource}}","exp":{{exp}}}""");

        var identity = (await host.Validation.ValidateAsync(token)).Identity!;

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), identity.ExpiresAt);
        Assert.DoesNotContain(identity.Claims, c => c.Type == "exp");
    }

    [Theory]
    [InlineData("""{"active":true,"sub":"","client_id":"svc-9","aud":"%R"}""", "svc-9")]
    [InlineData("""{"active":true,"sub":"user_\u00e9","aud":"%R"}""", "user_é")]
    public async Task The_subject_is_sub_or_else_client_id(string answer, string subject)
    {
        await using var host = await StartAsync();
        host.Server.IntrospectionBehavior = context => WriteAsync(context, answer.Replace("%R", Resource, StringComparison.Ordinal));

        var result = await host.Validation.ValidateAsync("opaque-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(subject, result.Identity!.Subject);
    }

    [Fact]
    public async Task An_escaped_issuer_equal_to_the_configured_one_is_accepted_and_another_is_not()
    {
        await using var host = await StartAsync();
        string escaped = host.Server.Issuer.Replace("/", "\\/", StringComparison.Ordinal);
        host.Server.IntrospectionBehavior = context => WriteAsync(context, $$"""{"active":true,"sub":"user_01","aud":"{{Resource}}","iss":"{{escaped}}"}""");
        var accepted = await host.Validation.ValidateAsync("opaque-" + Guid.NewGuid().ToString("N"));

        host.Server.IntrospectionBehavior = context => WriteAsync(context, $$"""{"active":true,"sub":"user_01","aud":"{{Resource}}","iss":"{{host.Server.Issuer}}x"}""");
        var refused = await host.Validation.ValidateAsync("opaque-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(TokenValidationOutcome.Valid, accepted.Outcome);
        Assert.Equal(TokenValidationOutcome.Invalid, refused.Outcome);
        Assert.Equal("The token was issued by another authorization server.", refused.ErrorDescription);
    }

    private static async Task WriteAsync(HttpContext context, string body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}

using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.Jwt;
using TokenValidation.Parsing;

namespace TokenValidation.Tests.Jwt;

/// <summary>
/// CONTRACT §11: a JWT's identity, read during IdentityModel's own parse of the payload, is the identity the shared
/// claims parser (userinfo, introspection) reads from the same JSON.
/// </summary>
public sealed class JwtIdentityReaderTests
{
    private static readonly string[] DefaultScopes = ["mcp:default"];

    [Theory]
    [InlineData("""{"iss":"https://as.example.com","sub":"user_1","aud":["https://mcp.example.com/mcp","client-abc"],"azp":"client-abc","jti":"j1","iat":1700000000,"nbf":1700000001,"exp":4102444800,"email":"ada@example.com","name":"Ada","scope":"a b a","client_id":"c","email_verified":true,"amount":12.5,"roles":["r1","r2",3,{"x":1},[true,null]],"cnf":{"jkt":"abc","n":[1,2]},"nothing":null}""")]
    [InlineData("""{"sub":"user_2","aud":"https://mcp.example.com/mcp","email":42,"name":{"first":"Ada"},"exp":1}""")]
    [InlineData("""{"sub":"user_3","scp":["a","","b",1,"a"],"scope":"c"}""")]
    [InlineData("""{"sub":"user_4","org_id":"org_7","sid":"s","exp":99999999999999}""")]
    [InlineData("""{"sub":"user_5","name":"Ada","name":"Grace","email":"a@example.com","email":"g@example.com"}""")]
    [InlineData("""{"s\u0075b":"user_6","\u0065mail":"escaped@example.com","custom\u002Dname":"v\u00e9"}""")]
    public void The_identity_is_the_one_the_shared_parser_reads_from_the_payload(string payload)
    {
        var expected = IdentityJsonParser.Parse(Encoding.UTF8.GetBytes(payload), DefaultScopes, TokenSources.Jwt)!;

        var actual = Read(payload)!;

        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Email, actual.Email);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(Sorted(expected.Claims), Sorted(actual.Claims));
    }

    [Fact]
    public void Without_scope_or_scp_the_identity_has_the_default_scopes()
    {
        Assert.Equal(DefaultScopes, Read("""{"sub":"user_1"}""")!.Scopes);
    }

    [Theory]
    [InlineData("""{"email":"ada@example.com"}""")]
    [InlineData("""{"sub":"","email":"ada@example.com"}""")]
    [InlineData("""{"sub":null}""")]
    public void Without_a_subject_there_is_no_identity(string payload)
    {
        Assert.Null(Read(payload));
    }

    [Fact]
    public void A_repeated_sub_keeps_the_last_one_as_RFC_7519_allows_so_the_subject_cached_is_the_one_IdentityModel_read()
    {
        var jwt = Parse("""{"sub":"user_a","sub":"user_b"}""", out var reader);

        Assert.Equal("user_b", jwt.Subject);
        Assert.Equal("user_b", reader.ToIdentity(jwt, DefaultScopes, TokenSources.Jwt)!.Subject);
    }

    [Fact]
    public void A_payload_that_is_not_json_fails_the_parse_instead_of_giving_an_identity()
    {
        var reader = new JwtIdentityReader();
        string token = B64("""{"alg":"RS256"}""") + "." + B64("""{"sub":"user_1","roles":[1,""") + ".c2ln";

        Assert.Throws<ArgumentException>(() => new JsonWebToken(token, reader.Read));
    }

    [Fact]
    public void Header_members_are_not_claims()
    {
        var reader = new JwtIdentityReader();
        var jwt = new JsonWebToken(B64("""{"alg":"RS256","typ":"at+jwt","custom":"header-only"}""") + "." + B64("""{"sub":"user_1"}""") + ".c2ln", reader.Read);

        var identity = reader.ToIdentity(jwt, DefaultScopes, TokenSources.Jwt)!;

        Assert.DoesNotContain(identity.Claims, c => c.Type == "custom");
        Assert.Equal("header-only", jwt.GetHeaderValue<string>("custom"));
    }

    private static TokenIdentity? Read(string payload)
    {
        var jwt = Parse(payload, out var reader);
        return reader.ToIdentity(jwt, DefaultScopes, TokenSources.Jwt);
    }

    private static JsonWebToken Parse(string payload, out JwtIdentityReader reader)
    {
        reader = new JwtIdentityReader();
        return new JsonWebToken(B64("""{"alg":"RS256","typ":"at+jwt"}""") + "." + B64(payload) + ".c2ln", reader.Read);
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static List<string> Sorted(IEnumerable<TokenClaim> claims) => [.. claims.Select(c => c.Type + "=" + c.Value).Order(StringComparer.Ordinal)];
}

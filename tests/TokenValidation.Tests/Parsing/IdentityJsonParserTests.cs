using System.Text;
using TokenValidation.Parsing;

namespace TokenValidation.Tests.Parsing;

/// <summary>The claims of a userinfo answer, an introspection answer or a JWT payload into a <see cref="TokenIdentity"/> (CONTRACT §5, §11, §12).</summary>
public sealed class IdentityJsonParserTests
{
    private static TokenIdentity? Parse(string json, params string[] defaultScopes) =>
        IdentityJsonParser.Parse(Encoding.UTF8.GetBytes(json), defaultScopes, TokenSources.Jwt);

    [Fact]
    public void Known_members_become_properties_and_the_rest_claims_with_their_json_text()
    {
        var identity = Parse("""
            {"sub":"user_1","email":"a@example.com","name":"A\u00e9","scope":"read write","exp":1900000000,
             "org_id":"org_1","email_verified":true,"n":12.50,"nothing":null,"roles":["admin",["nested"]],"meta":{"k":[1, 2]}}
            """);

        Assert.NotNull(identity);
        Assert.Equal("user_1", identity.Subject);
        Assert.Equal("a@example.com", identity.Email);
        Assert.Equal("A\u00e9", identity.Name);
        Assert.Equal(["read", "write"], identity.Scopes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1900000000), identity.ExpiresAt);
        Assert.Equal(TokenSources.Jwt, identity.Source);
        Assert.Equal(
            [new("org_id", "org_1"), new("email_verified", "true"), new("n", "12.50"), new("roles", "admin"), new("roles", "nested"), new("meta", """{"k":[1, 2]}""")],
            identity.Claims);
    }

    [Fact]
    public void The_registered_claim_names_keep_their_names()
    {
        var identity = Parse("""
            {"sub":"user_1","iss":"i","aud":["a1","a2"],"iat":1,"nbf":2,"jti":"j","client_id":"c","azp":"z","sid":"s","org_id":"o","iss2":"x"}
            """);

        Assert.Equal(
            [new("iss", "i"), new("aud", "a1"), new("aud", "a2"), new("iat", "1"), new("nbf", "2"), new("jti", "j"), new("client_id", "c"), new("azp", "z"), new("sid", "s"), new("org_id", "o"), new("iss2", "x")],
            identity!.Claims);
    }

    [Theory]
    [InlineData("""{"email":"a@example.com"}""")]
    [InlineData("""{"sub":""}""")]
    [InlineData("""{"sub":42}""")]
    [InlineData("""{"sub":"user_1","sub":"user_2"}""")]
    [InlineData("""["sub","user_1"]""")]
    [InlineData("""{"sub":"user_1",""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Anything_but_an_object_with_one_non_empty_string_sub_is_no_identity(string json) => Assert.Null(Parse(json));

    [Fact]
    public void Scopes_come_from_scope_or_scp_as_a_string_or_an_array_without_duplicates_or_blanks()
    {
        Assert.Equal(["a", "b"], Parse("""{"sub":"s","scope":"  a b  a "}""")!.Scopes);
        Assert.Equal(["a", "b"], Parse("""{"sub":"s","scp":["a","",7,{"x":1},"b","a"]}""")!.Scopes);
        Assert.Equal(["a", "b", "c"], Parse("""{"sub":"s","scope":"a b","scp":["c","a"]}""")!.Scopes);
    }

    // Introspection's "active" is the protocol's, not a claim; every other member of the answer still is.
    [Fact]
    public void The_ignored_member_alone_is_left_out_of_the_claims()
    {
        var identity = IdentityJsonParser.Parse("""{"active":true,"sub":"s","org_id":"org_7","client_id":"c"}"""u8, [], TokenSources.Introspection, ignoredMember: "active", hasExpiry: false, expiresAt: null)!;

        Assert.Equal("s", identity.Subject);
        Assert.Equal([new TokenClaim("org_id", "org_7"), new TokenClaim("client_id", "c")], identity.Claims);
    }

    // An escaped value takes the decoded path: the escape is text to split, not bytes to copy.
    [Fact]
    public void An_escaped_scope_string_is_split_on_its_decoded_spaces()
    {
        Assert.Equal(["a", "b\u00e9", "c"], Parse("""{"sub":"s","scope":"a\u0020\u0020b\u00e9 c "}""")!.Scopes);
    }

    [Fact]
    public void A_string_inside_an_object_in_a_scope_array_is_never_a_scope()
    {
        Assert.Equal(["read"], Parse("""{"sub":"s","scope":[{"x":"admin"},["write"],"read"]}""")!.Scopes);
    }

    [Fact]
    public void A_scope_member_that_is_an_object_is_skipped_whole_and_cannot_smuggle_a_second_sub()
    {
        var identity = Parse("""{"sub":"s","scope":{"sub":"other","x":"admin"},"email":"a@example.com"}""", "mcp:tools");

        Assert.NotNull(identity);
        Assert.Equal("s", identity.Subject);
        Assert.Equal("a@example.com", identity.Email);
        Assert.DoesNotContain("admin", identity.Scopes);
    }

    [Fact]
    public void A_long_scope_list_with_repeats_is_deduplicated_in_order()
    {
        var scopes = string.Join(' ', Enumerable.Range(0, 5000).Select(i => $"s{i % 100}"));

        var identity = Parse($$"""{"sub":"s","scope":"{{scopes}}"}""");

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"s{i}"), identity!.Scopes);
    }

    [Fact]
    public void Without_scope_members_the_default_scopes_apply()
    {
        Assert.Equal(["mcp:tools"], Parse("""{"sub":"s"}""", "mcp:tools")!.Scopes);
        Assert.Empty(Parse("""{"sub":"s","scope":""}""", "mcp:tools")!.Scopes);
    }

    [Fact]
    public void Known_members_of_another_type_are_kept_as_claims()
    {
        var identity = Parse("""{"sub":"s","email":false,"name":["x"],"exp":1.5}""");

        Assert.Null(identity!.Email);
        Assert.Null(identity.Name);
        Assert.Null(identity.ExpiresAt);
        Assert.Equal([new("email", "false"), new("name", "x"), new("exp", "1.5")], identity.Claims);
    }
}

using System.Security.Cryptography;
using System.Text;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7: level-2 values of the earlier JSON format still read, with every default they relied on; with a protector
/// turned on only protected values read (a plain value written into the cache by someone else is a miss), and without one
/// only plain values do.
/// </summary>
public sealed class CacheValueSerializerTests
{
    private const string Key = "tokenvalidation:v1::key";
    private const long ExpiresAtMs = 1_900_000_000_000;

    [Fact]
    public void An_old_json_invalid_request_keeps_its_error_and_description()
    {
        var entry = Plain().Deserialize(Json("""{"o":1,"x":1900000000000,"e":"invalid_request","d":"Bad request."}"""), Key)!;

        Assert.Equal((TokenValidationOutcome.Invalid, TokenErrors.InvalidRequest, "Bad request."), (entry.Result.Outcome, entry.Result.Error, entry.Result.ErrorDescription));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs), entry.ExpiresAt);
    }

    [Fact]
    public void An_old_json_invalid_answer_without_a_description_gets_the_default_one()
    {
        var entry = Plain().Deserialize(Json("""{"o":1,"x":1900000000000}"""), Key)!;

        Assert.Equal((TokenErrors.InvalidToken, "The token is invalid."), (entry.Result.Error, entry.Result.ErrorDescription));
    }

    [Fact]
    public void An_old_json_invalid_request_without_a_description_gets_the_default_one()
    {
        var entry = Plain().Deserialize(Json("""{"o":1,"x":1900000000000,"e":"invalid_request"}"""), Key)!;

        Assert.Equal((TokenErrors.InvalidRequest, "The token is invalid."), (entry.Result.Error, entry.Result.ErrorDescription));
    }

    [Fact]
    public void An_old_json_identity_without_lists_or_expiry_reads_with_empty_lists_and_no_expiry()
    {
        var identity = Plain().Deserialize(Json("""{"o":0,"x":1900000000000,"s":"user_01","r":"authkit"}"""), Key)!.Result.Identity!;

        Assert.Equal(("user_01", TokenSources.AuthKit, null, null, null), (identity.Subject, identity.Source, identity.Email, identity.Name, identity.ExpiresAt));
        Assert.Empty(identity.Scopes);
        Assert.Empty(identity.Claims);
    }

    [Fact]
    public void An_old_json_identity_keeps_its_token_expiry_scopes_and_claims()
    {
        var identity = Plain().Deserialize(Json("""{"o":0,"x":1900000000000,"s":"user_01","m":"a@example.com","n":"Ada","r":"jwt","p":["read"],"c":["org_id","org_7"],"t":1900000001000}"""), Key)!.Result.Identity!;

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_001_000), identity.ExpiresAt);
        Assert.Equal(["read"], identity.Scopes);
        Assert.Equal([new TokenClaim("org_id", "org_7")], identity.Claims);
        Assert.Equal(("a@example.com", "Ada"), (identity.Email, identity.Name));
    }

    [Theory]
    [InlineData("""{"o":0,"x":1900000000000,"r":"authkit"}""")]
    [InlineData("""{"o":0,"x":1900000000000,"s":"","r":"authkit"}""")]
    [InlineData("""{"o":0,"x":1900000000000,"s":"user_01"}""")]
    [InlineData("""{"o":0,"x":1900000000000,"s":"user_01","r":""}""")]
    [InlineData("""{"o":0,"x":1900000000000,"s":"user_01","r":"authkit","c":["a",null]}""")]
    [InlineData("""{"o":0,"x":1900000000000,"s":"user_01","r":"authkit","c":[null,"b"]}""")]
    [InlineData("""{"o":2,"x":1900000000000}""")]
    [InlineData("null")]
    public void An_old_json_value_missing_what_its_outcome_needs_is_a_miss(string json)
    {
        Assert.Null(Plain().Deserialize(Json(json), Key));
    }

    [Fact]
    public void With_a_protector_only_protected_values_read_and_without_one_only_plain_ones()
    {
        var protector = new KeyBoundProtector();
        var entry = new CacheEntry(TokenCheckResult.Invalid("no"), DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs));
        byte[] plainCompact = Plain().Serialize(entry, Key);
        byte[] protectedCompact = new CacheValueSerializer(protector).Serialize(entry, Key);
        byte[] plainJson = Json("""{"o":1,"x":1900000000000,"d":"no"}""");
        byte[] protectedJson = [2, .. protector.Protect(Key, plainJson[1..])];

        Assert.Equal(3, plainCompact[0]);
        Assert.Equal(4, protectedCompact[0]);
        Assert.Equal("no", Plain().Deserialize(plainCompact, Key)?.Result.ErrorDescription);
        Assert.Equal("no", Plain().Deserialize(plainJson, Key)?.Result.ErrorDescription);
        Assert.Null(Plain().Deserialize(protectedCompact, Key));
        Assert.Null(Plain().Deserialize(protectedJson, Key));

        var reader = new CacheValueSerializer(protector);
        Assert.Equal("no", reader.Deserialize(protectedCompact, Key)?.Result.ErrorDescription);
        Assert.Equal("no", reader.Deserialize(protectedJson, Key)?.Result.ErrorDescription);
        Assert.Null(reader.Deserialize(plainCompact, Key));
        Assert.Null(reader.Deserialize(plainJson, Key));
        Assert.Null(reader.Deserialize(protectedJson, Key + "x"));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 3 })]
    public void An_empty_or_format_byte_only_value_is_a_miss(byte[] value)
    {
        Assert.Null(Plain().Deserialize(value, Key));
        Assert.Null(Plain().Deserialize(null, Key));
    }

    private static CacheValueSerializer Plain() => new(protector: null);

    private static byte[] Json(string json) => [1, .. Encoding.UTF8.GetBytes(json)];

    // Authenticated encryption bound to the key, as a real protector must be: another key fails to unprotect.
    private sealed class KeyBoundProtector : ITokenCacheValueProtector
    {
        public byte[] Protect(string key, byte[] plaintext) => [.. Tag(key, plaintext), .. plaintext];

        public byte[] Unprotect(string key, byte[] protectedData)
        {
            var plaintext = protectedData[32..];
            return CryptographicOperations.FixedTimeEquals(Tag(key, plaintext), protectedData.AsSpan(0, 32))
                ? plaintext
                : throw new CryptographicException("Protected for another key.");
        }

        private static byte[] Tag(string key, byte[] plaintext) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), plaintext);
    }
}

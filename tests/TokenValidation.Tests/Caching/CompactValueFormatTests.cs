using System.Text;
using System.Text.Json;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>The compact level-2 value: every field survives a round trip, and nothing malformed is ever more than a miss.</summary>
public sealed class CompactValueFormatTests
{
    private const string Key = "tokenvalidation:v1::abc";
    private static readonly DateTimeOffset Expiry = new(2026, 12, 2, 1, 30, 0, 123, TimeSpan.Zero);

    private static readonly TokenIdentity Full = new()
    {
        Subject = "user_01HZ€ü😀",
        Email = "ädä@exämple.com",
        Name = "Ada Lovelace 😀",
        Scopes = ["mcp:tools", "mcp:read", "ünïcode:scope"],
        Claims = [new("org_id", "org_7"), new("roles", "admin"), new("roles", "editor"), new("empty", ""), new("obj", "{\"a\":[1,2]}"), new("日本", "語")],
        Source = TokenSources.Introspection,
        ExpiresAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, 7, TimeSpan.Zero).AddTicks(3),
    };

    public static TheoryData<string> Sources => [TokenSources.AuthKit, TokenSources.Jwt, TokenSources.Introspection, TokenSources.ApiKey, "custom_source"];

    [Fact]
    public void A_valid_entry_round_trips_every_field_exactly()
    {
        var read = RoundTrip(new CacheEntry(TokenCheckResult.Valid(Full), Expiry));

        Assert.Equal(Expiry, read.ExpiresAt);
        Assert.Equal(TokenValidationOutcome.Valid, read.Result.Outcome);
        var identity = read.Result.Identity!;
        Assert.Equal(Full.Subject, identity.Subject);
        Assert.Equal(Full.Email, identity.Email);
        Assert.Equal(Full.Name, identity.Name);
        Assert.Equal(Full.Scopes, identity.Scopes);
        Assert.Equal(Full.Claims, identity.Claims);
        Assert.Equal(Full.Source, identity.Source);
        Assert.Equal(Full.ExpiresAt, identity.ExpiresAt);
        Assert.Equal(Full.ExpiresAt!.Value.UtcTicks, identity.ExpiresAt!.Value.UtcTicks);
    }

    [Fact]
    public void Null_email_name_and_expiry_and_empty_lists_stay_null_and_empty()
    {
        var bare = new TokenIdentity { Subject = "user_1", Source = TokenSources.AuthKit };

        var identity = RoundTrip(new CacheEntry(TokenCheckResult.Valid(bare), Expiry)).Result.Identity!;

        Assert.Equal("user_1", identity.Subject);
        Assert.Null(identity.Email);
        Assert.Null(identity.Name);
        Assert.Null(identity.ExpiresAt);
        Assert.Empty(identity.Scopes);
        Assert.Empty(identity.Claims);
    }

    [Fact]
    public void Empty_email_and_name_stay_empty_not_null()
    {
        var identity = RoundTrip(new CacheEntry(TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Email = "", Name = "", Source = "jwt" }), Expiry)).Result.Identity!;

        Assert.Equal("", identity.Email);
        Assert.Equal("", identity.Name);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Every_source_round_trips(string source)
    {
        var identity = RoundTrip(new CacheEntry(TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Source = source }), Expiry)).Result.Identity!;

        Assert.Equal(source, identity.Source);
    }

    [Fact]
    public void Invalid_token_and_invalid_request_entries_keep_their_error_and_description()
    {
        var token = RoundTrip(new CacheEntry(TokenCheckResult.Invalid("The token was issued by another authorization server."), Expiry));
        var request = RoundTrip(new CacheEntry(TokenCheckResult.InvalidRequest("Malformed ✗ request."), Expiry));

        Assert.Equal(TokenValidationOutcome.Invalid, token.Result.Outcome);
        Assert.Equal(TokenErrors.InvalidToken, token.Result.Error);
        Assert.Equal("The token was issued by another authorization server.", token.Result.ErrorDescription);
        Assert.Null(token.Result.Identity);
        Assert.Equal(Expiry, token.ExpiresAt);
        Assert.Equal(TokenErrors.InvalidRequest, request.Result.Error);
        Assert.Equal("Malformed ✗ request.", request.Result.ErrorDescription);
    }

    [Fact]
    public void Unavailable_is_never_written()
    {
        var serializer = new CacheValueSerializer(protector: null);

        Assert.Throws<ArgumentException>(() => serializer.Serialize(new CacheEntry(TokenCheckResult.Unavailable("down"), Expiry), Key));
    }

    [Fact]
    public void A_long_claim_value_uses_a_multi_byte_length_and_round_trips()
    {
        string big = new('x', 70_000);
        var identity = RoundTrip(new CacheEntry(TokenCheckResult.Valid(new TokenIdentity { Subject = "s", Source = "jwt", Claims = [new("big", big)] }), Expiry)).Result.Identity!;

        Assert.Equal(big, identity.FindClaim("big"));
    }

    // Each length is written in 7-bit groups: the boundaries are where a group is added.
    [Theory]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    public void Lengths_and_counts_at_each_varint_boundary_round_trip(int length)
    {
        string value = new('v', length);
        TokenClaim[] claims = [.. Enumerable.Range(0, length).Select(i => new TokenClaim("c", ""))];
        var identity = RoundTrip(new CacheEntry(TokenCheckResult.Valid(new TokenIdentity { Subject = value, Source = "jwt", Claims = claims }), Expiry)).Result.Identity!;

        Assert.Equal(value, identity.Subject);
        Assert.Equal(length, identity.Claims.Count);
    }

    [Fact]
    public void Expiries_at_both_ends_of_the_DateTimeOffset_range_round_trip()
    {
        var identity = new TokenIdentity { Subject = "s", Source = "jwt", ExpiresAt = DateTimeOffset.MinValue };

        var read = RoundTrip(new CacheEntry(TokenCheckResult.Valid(identity), DateTimeOffset.MaxValue));

        Assert.Equal(DateTimeOffset.MaxValue, read.ExpiresAt);
        Assert.Equal(DateTimeOffset.MinValue, read.Result.Identity!.ExpiresAt);
    }

    [Fact]
    public void The_value_is_compact_binary_and_smaller_than_the_json_it_replaces()
    {
        var entry = new CacheEntry(TokenCheckResult.Valid(Full), Expiry);
        var bytes = new CacheValueSerializer(protector: null).Serialize(entry, Key);

        Assert.Equal(3, bytes[0]);
        Assert.True(bytes.Length < OldJsonValue(entry).Length, $"compact {bytes.Length} B is not below the JSON value's {OldJsonValue(entry).Length} B");
    }

    [Fact]
    public void Every_truncation_of_a_value_is_a_miss_never_an_exception()
    {
        var serializer = new CacheValueSerializer(protector: null);
        var bytes = serializer.Serialize(new CacheEntry(TokenCheckResult.Valid(Full), Expiry), Key);

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Null(serializer.Deserialize(bytes[..length], Key));
        }
    }

    [Fact]
    public void Trailing_bytes_after_a_whole_value_are_a_miss()
    {
        var serializer = new CacheValueSerializer(protector: null);
        var bytes = serializer.Serialize(new CacheEntry(TokenCheckResult.Valid(Full), Expiry), Key);

        Assert.Null(serializer.Deserialize([.. bytes, 0], Key));
    }

    [Fact]
    public void Any_single_corrupted_byte_is_a_miss_or_a_well_formed_entry_never_an_exception()
    {
        var serializer = new CacheValueSerializer(protector: null);
        var bytes = serializer.Serialize(new CacheEntry(TokenCheckResult.Valid(Full), Expiry), Key);
        var random = new Random(15);

        for (int i = 1; i < bytes.Length; i++)
        {
            foreach (byte replacement in new byte[] { 0x00, 0xFF, 0x80, 0x7F, (byte)random.Next(256) })
            {
                var corrupt = (byte[])bytes.Clone();
                corrupt[i] = replacement;
                var entry = serializer.Deserialize(corrupt, Key);
                if (entry is not null)
                {
                    Assert.NotEqual(TokenValidationOutcome.Unavailable, entry.Result.Outcome);
                    Assert.Equal(entry.Result.Outcome == TokenValidationOutcome.Valid, entry.Result.Identity is { Subject.Length: > 0 });
                }
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 3, 9, 0, 0, 0, 0, 0, 0, 0, 0 })] // unknown kind
    [InlineData(new byte[] { 3, 1, 255, 255, 255, 255, 255, 255, 255, 127, 0 })] // expiry past DateTimeOffset.MaxValue
    [InlineData(new byte[] { 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 15 })] // a description length past int.MaxValue
    [InlineData(new byte[] { 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 7 })] // a description length past the value
    [InlineData(new byte[] { 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xC3, 0x28 })] // a description that is not UTF-8
    [InlineData(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 1, (byte)'s', 3, (byte)'j', (byte)'w', (byte)'t', 0, 0 })] // unknown flag
    [InlineData(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, (byte)'j', (byte)'w', (byte)'t', 0, 0 })] // empty subject
    [InlineData(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'s', 3, (byte)'j', (byte)'w', (byte)'t', 200, 1 })] // 200 scopes in no bytes
    [InlineData(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // protected, but no protector
    public void Malformed_compact_values_are_a_miss(byte[] value)
    {
        Assert.Null(new CacheValueSerializer(protector: null).Deserialize(value, Key));
    }

    [Fact]
    public void A_value_written_in_the_old_json_format_still_reads_after_the_upgrade()
    {
        var entry = new CacheEntry(TokenCheckResult.Valid(Full), Expiry.AddTicks(-Expiry.Ticks % TimeSpan.TicksPerMillisecond));

        var read = new CacheValueSerializer(protector: null).Deserialize(OldJsonValue(entry), Key)!;

        Assert.Equal(Full.Subject, read.Result.Identity!.Subject);
        Assert.Equal(Full.Claims, read.Result.Identity.Claims);
        Assert.Equal(entry.ExpiresAt, read.ExpiresAt);
    }

    [Fact]
    public void A_protected_compact_value_round_trips_through_the_protector_and_is_bound_to_its_key()
    {
        var protector = new XorProtector();
        var serializer = new CacheValueSerializer(protector);
        var bytes = serializer.Serialize(new CacheEntry(TokenCheckResult.Valid(Full), Expiry), Key);

        Assert.Equal(4, bytes[0]);
        Assert.Equal(Full.Claims, serializer.Deserialize(bytes, Key)!.Result.Identity!.Claims);
        Assert.Null(serializer.Deserialize(bytes, Key + "other"));
        Assert.Null(new CacheValueSerializer(protector: null).Deserialize(bytes, Key));
    }

    /// <summary>The value exactly as the JSON writer of format 1 produced it.</summary>
    internal static byte[] OldJsonValue(CacheEntry entry)
    {
        var identity = entry.Result.Identity;
        var value = new CachedValue
        {
            Outcome = entry.Result.Outcome,
            ExpiresAtMs = entry.ExpiresAt.ToUnixTimeMilliseconds(),
            Error = entry.Result.Error,
            Description = entry.Result.ErrorDescription,
            Subject = identity?.Subject,
            Email = identity?.Email,
            Name = identity?.Name,
            Scopes = identity is { Scopes.Count: > 0 } ? [.. identity.Scopes] : null,
            Claims = identity is { Claims.Count: > 0 } ? [.. identity.Claims.SelectMany(c => new[] { c.Type, c.Value })] : null,
            Source = identity?.Source,
            TokenExpiresAtMs = identity?.ExpiresAt?.ToUnixTimeMilliseconds(),
        };
        return [1, .. JsonSerializer.SerializeToUtf8Bytes(value, CachedValueJsonContext.Default.CachedValue)];
    }

    private static CacheEntry RoundTrip(CacheEntry entry)
    {
        var serializer = new CacheValueSerializer(protector: null);
        return serializer.Deserialize(serializer.Serialize(entry, Key), Key) ?? throw new Xunit.Sdk.XunitException("The value did not read back.");
    }

    // Binds the value to its key the way a real protector must (a wrong key fails to unprotect).
    private sealed class XorProtector : ITokenCacheValueProtector
    {
        public byte[] Protect(string key, byte[] plaintext) => [.. Encoding.UTF8.GetBytes(key).Take(8), .. plaintext.Select(b => (byte)(b ^ 0x5A))];

        public byte[] Unprotect(string key, byte[] protectedData)
        {
            var prefix = Encoding.UTF8.GetBytes(key).Take(8).ToArray();
            if (protectedData.Length < prefix.Length || !protectedData.AsSpan(0, prefix.Length).SequenceEqual(prefix) || key.Length != Key.Length)
            {
                throw new System.Security.Cryptography.CryptographicException("Protected for another key.");
            }

            return [.. protectedData.Skip(prefix.Length).Select(b => (byte)(b ^ 0x5A))];
        }
    }
}

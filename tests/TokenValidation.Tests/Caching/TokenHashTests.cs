using System.Security.Cryptography;
using System.Text;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>CONTRACT §7: a token is keyed by the SHA-256 of its bytes, whatever its length or characters; distinct hashes never compare equal.</summary>
public sealed class TokenHashTests
{
    [Theory]
    [InlineData("mat_short")]
    [InlineData("mat_non_ascii_é_ü_😀")]
    [InlineData("")]
    public void The_hash_is_the_SHA_256_of_the_tokens_UTF_8_bytes(string token)
    {
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), TokenHash.Compute(token).ToArray());
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(20_000)]
    public void Tokens_at_and_past_the_default_length_limit_hash_the_same_way(int length)
    {
        string token = "mat_" + new string('a', length - 4);

        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(token)), TokenHash.Compute(token).ToArray());
    }

    [Fact]
    public void Non_ASCII_tokens_that_share_an_ASCII_prefix_have_different_hashes()
    {
        Assert.NotEqual(TokenHash.Compute("mat_prefix_é"), TokenHash.Compute("mat_prefix_è"));
        Assert.NotEqual(TokenHash.Compute("mat_prefix_é"), TokenHash.Compute("mat_prefix_"));
    }

    [Fact]
    public void Two_hashes_that_differ_in_any_one_byte_are_not_equal()
    {
        var bytes = SHA256.HashData("mat_equality"u8);
        var hash = TokenHash.FromBytes(bytes);
        Assert.Equal(hash, TokenHash.FromBytes(bytes.ToArray()));
        Assert.True(hash.Equals((object)TokenHash.FromBytes(bytes)));
        Assert.Equal(hash.GetHashCode(), TokenHash.FromBytes(bytes).GetHashCode());

        for (int i = 0; i < TokenHash.Size; i++)
        {
            var changed = bytes.ToArray();
            changed[i] ^= 0x01;
            Assert.False(hash.Equals(TokenHash.FromBytes(changed)), $"byte {i}");
            Assert.False(hash.Equals((object)TokenHash.FromBytes(changed)), $"byte {i}");
        }

        Assert.False(hash.Equals("not a hash"));
    }

    [Fact]
    public void The_short_form_in_logs_is_the_first_eight_hex_digits_of_the_hash()
    {
        const string Token = "mat_short_form_0123456789";
        string hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Token)));

        Assert.Equal(hex[..8], TokenHash.Compute(Token).ToShortString());
        Assert.Equal(hex[..8], TokenHash.Compute(Token).ToString());
    }

    [Fact]
    public void A_hash_written_out_and_read_back_is_the_same_hash()
    {
        var hash = TokenHash.Compute("mat_round_trip");
        Span<byte> written = stackalloc byte[TokenHash.Size];
        hash.WriteTo(written);

        Assert.Equal(hash, TokenHash.FromBytes(written));
        Assert.Equal(written.ToArray(), hash.ToArray());
    }
}

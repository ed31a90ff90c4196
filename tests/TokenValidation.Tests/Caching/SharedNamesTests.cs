using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// Level-2 reads share the strings every identity repeats (scopes, claim types) instead of allocating them per read,
/// without changing what is read: values stay exact, per-user strings stay per read, and the pool is bounded.
/// </summary>
public sealed class SharedNamesTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 2, 1, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Two_reads_of_a_value_return_the_same_scope_and_claim_type_strings()
    {
        var bytes = Write(new TokenIdentity
        {
            Subject = "user_shared_1",
            Scopes = ["shared:read", "shared:wrïte"],
            Claims = [new("shared_org_id", "org_1"), new("shared_roles", "admin")],
            Source = TokenSources.AuthKit,
        });

        Assert.True(SharedNames.Process.Count < 1000, "the process-wide pool has room for this test's names");
        var first = CompactValueFormat.Read(bytes)!.Result.Identity!;
        var second = CompactValueFormat.Read(bytes)!.Result.Identity!;

        Assert.Equal(["shared:read", "shared:wrïte"], second.Scopes);
        Assert.Same(first.Scopes[0], second.Scopes[0]);
        Assert.Same(first.Scopes[1], second.Scopes[1]);
        Assert.Same(first.Claims[0].Type, second.Claims[0].Type);
        Assert.Same(first.Claims[1].Type, second.Claims[1].Type);
        Assert.Equal("org_1", second.Claims[0].Value);
    }

    [Fact]
    public void Subjects_and_claim_values_are_not_shared_between_reads()
    {
        var bytes = Write(new TokenIdentity { Subject = "user_private_1", Claims = [new("sid", "session_private_1")], Source = TokenSources.Jwt });

        var first = CompactValueFormat.Read(bytes)!.Result.Identity!;
        var second = CompactValueFormat.Read(bytes)!.Result.Identity!;

        Assert.Equal(first.Subject, second.Subject);
        Assert.NotSame(first.Subject, second.Subject);
        Assert.NotSame(first.Claims[0].Value, second.Claims[0].Value);
    }

    [Fact]
    public void A_name_longer_than_the_pool_takes_reads_back_exactly()
    {
        string longScope = "scope:" + new string('é', 40) + "😀";

        var identity = CompactValueFormat.Read(Write(new TokenIdentity { Subject = "s", Scopes = [longScope], Claims = [new(longScope, "v")], Source = TokenSources.Jwt }))!.Result.Identity!;

        Assert.Equal(longScope, identity.Scopes[0]);
        Assert.Equal(longScope, identity.Claims[0].Type);
    }

    [Fact]
    public void A_pool_keeps_one_instance_per_name_and_reads_non_ascii_exactly()
    {
        var names = new SharedNames(maxEntries: 8);

        string first = names.Get("mcp:wrïte"u8);
        string second = names.Get("mcp:wrïte"u8);

        Assert.Equal("mcp:wrïte", first);
        Assert.Same(first, second);
        Assert.Equal(1, names.Count);
    }

    [Fact]
    public void Past_its_bound_a_pool_keeps_nothing_more_and_still_reads_every_name_exactly()
    {
        var names = new SharedNames(maxEntries: 2);

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"scope_{i}", names.Get(System.Text.Encoding.UTF8.GetBytes($"scope_{i}")));
        }

        Assert.Equal(2, names.Count);
        Assert.NotSame(names.Get("scope_9"u8), names.Get("scope_9"u8));
        Assert.Same(names.Get("scope_0"u8), names.Get("scope_0"u8));
    }

    [Fact]
    public void An_empty_name_is_the_empty_string_and_a_long_one_is_not_kept()
    {
        var names = new SharedNames(maxEntries: 8);
        byte[] longName = System.Text.Encoding.UTF8.GetBytes(new string('n', SharedNames.MaxBytes + 1));

        Assert.Same("", names.Get(ReadOnlySpan<byte>.Empty));
        Assert.Equal(new string('n', SharedNames.MaxBytes + 1), names.Get(longName));
        Assert.Equal(0, names.Count);
    }

    private static byte[] Write(TokenIdentity identity)
    {
        var entry = new CacheEntry(TokenCheckResult.Valid(identity), Expiry);
        var bytes = new byte[CompactValueFormat.Measure(entry)!.Value];
        CompactValueFormat.Write(entry, bytes);
        return bytes;
    }
}

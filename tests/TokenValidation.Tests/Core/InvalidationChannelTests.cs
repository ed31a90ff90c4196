using System.Security.Cryptography;
using System.Text;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §7: with an invalidation channel, <c>InvalidateAsync</c> publishes the token's SHA-256 (never the token),
/// and a hash arriving from another replica drops that entry from this replica's level 1. Anything else on the channel
/// is ignored; a disposed service stops listening.
/// </summary>
public sealed class InvalidationChannelTests
{
    private const string Token = "mat_invalidated_0123456789abcdefghij";

    [Fact]
    public async Task InvalidateAsync_publishes_the_tokens_sha256_and_nothing_else()
    {
        var channel = new InProcessInvalidationChannel();
        await using var host = await CoreHost.StartAsync(services: s => s.AddSingleton<ITokenInvalidationChannel>(channel));

        await host.Validation.InvalidateAsync(Token);

        var published = Assert.Single(channel.Published);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(Token)), published);
    }

    [Fact]
    public async Task A_hash_published_by_another_replica_makes_the_next_request_go_upstream()
    {
        var channel = new InProcessInvalidationChannel();
        await using var host = await CoreHost.StartAsync(services: s => s.AddSingleton<ITokenInvalidationChannel>(channel));
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);

        channel.Deliver(SHA256.HashData(Encoding.ASCII.GetBytes(Token)));
        host.AuthKit.RemoveUser(Token);

        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(Token)).Outcome);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public async Task A_message_that_is_not_a_32_byte_hash_is_ignored(int length)
    {
        var channel = new InProcessInvalidationChannel();
        await using var host = await CoreHost.StartAsync(services: s => s.AddSingleton<ITokenInvalidationChannel>(channel));
        host.AuthKit.AddUser(Token, "user_01");
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        // The token's hash, cut or padded: a replica must neither throw on it nor drop anything for it.
        var message = new byte[length];
        SHA256.HashData(Encoding.ASCII.GetBytes(Token)).AsSpan(0, Math.Min(length, 32)).CopyTo(message);
        channel.Deliver(message);

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_disposed_service_stops_listening_to_the_channel()
    {
        var channel = new InProcessInvalidationChannel();
        var host = await CoreHost.StartAsync(services: s => s.AddSingleton<ITokenInvalidationChannel>(channel));
        _ = host.Service;
        Assert.Equal(1, channel.Subscribers);

        await host.DisposeAsync();

        Assert.Equal(0, channel.Subscribers);
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using TokenValidation.Caching;

namespace TokenValidation.Tests.Caching;

/// <summary>
/// CONTRACT §7 level 2, in process with a fake clock: the key is the versioned namespace, the instance name and the
/// token's SHA-256; values expire in the cache server when the answer does; a value at its expiry is a miss; failures are
/// misses, logged once and once more when the cool-down starts, during which level 2 is skipped (but removals are still
/// tried), and the recovery is logged; only failures in a row count.
/// </summary>
public sealed class DistributedCacheRulesTests
{
    private const string Token = "mat_level_two_0123456789abcdefghij";

    [Fact]
    public async Task The_key_is_the_namespace_the_instance_name_and_the_base64url_sha256_of_the_token()
    {
        var l2 = new ScriptedDistributedCache();
        await using var host = await StartAsync(l2, o => o.InstanceName = "https://mcp.example.com/mcp");
        host.AuthKit.AddUser(Token, "user_01");

        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);

        string hash = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Token)));
        Assert.Equal("tokenvalidation:v1:https://mcp.example.com/mcp:" + hash, Assert.Single(l2.Keys));
    }

    [Fact]
    public async Task Without_an_instance_name_the_key_has_an_empty_one()
    {
        var l2 = new ScriptedDistributedCache();
        await using var host = await StartAsync(l2);
        host.AuthKit.AddUser(Token, "user_01");

        await host.Validation.ValidateAsync(Token);

        string hash = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Token)));
        Assert.Equal("tokenvalidation:v1::" + hash, Assert.Single(l2.Keys));
    }

    [Fact]
    public async Task A_value_expires_in_the_cache_server_when_its_answer_does()
    {
        var l2 = new ScriptedDistributedCache();
        await using var host = await StartAsync(l2);
        host.AuthKit.AddUser(Token, "user_01");
        const string Unknown = "mat_unknown_0123456789abcdefghij";

        await host.Validation.ValidateAsync(Token);
        await host.Validation.ValidateAsync(Unknown);

        Assert.Equal(2, l2.Writes);
        Assert.Equal(TimeSpan.FromMinutes(5), l2.OptionsOf(KeyOf(host, Token)).AbsoluteExpirationRelativeToNow);
        Assert.Equal(TimeSpan.FromSeconds(30), l2.OptionsOf(KeyOf(host, Unknown)).AbsoluteExpirationRelativeToNow);
    }

    [Fact]
    public async Task A_level_2_value_is_a_hit_until_its_expiry_and_a_miss_from_that_instant()
    {
        var l2 = new ScriptedDistributedCache();
        await using var host = await StartAsync(l2);
        host.AuthKit.AddUser(Token, "user_01");
        var key = TokenHash.Compute(Token);
        await host.Validation.ValidateAsync(Token);

        // Another replica's view: nothing in level 1, the value in level 2.
        host.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        host.Service.MemoryCache.Remove(key);
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);

        host.Time.Advance(TimeSpan.FromTicks(1));
        host.Service.MemoryCache.Remove(key);
        Assert.True((await host.Validation.ValidateAsync(Token)).IsValid);
        Assert.Equal(2, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task Failures_are_misses_logged_once_and_once_at_the_cool_down_which_skips_level_2_until_it_ends()
    {
        var l2 = new ScriptedDistributedCache { Failing = true };
        await using var host = await StartAsync(l2);
        string[] tokens = [.. Enumerable.Range(0, 4).Select(i => $"mat_cool_down_{i}_0123456789")];
        foreach (var token in tokens)
        {
            host.AuthKit.AddUser(token, "user_01");
        }

        // Read and write fail (2), the next read fails (3 = the threshold): the cool-down starts and the write is skipped.
        Assert.True((await host.Validation.ValidateAsync(tokens[0])).IsValid);
        Assert.Equal(2, l2.Calls);
        Assert.True((await host.Validation.ValidateAsync(tokens[1])).IsValid);
        Assert.Equal(3, l2.Calls);
        Assert.True((await host.Validation.ValidateAsync(tokens[2])).IsValid);
        Assert.Equal(3, l2.Calls);

        var warnings = Records(host, LogLevel.Warning);
        Assert.Equal(2, warnings.Length);
        Assert.Contains("read failed; treating it as a miss (1 in a row)", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("failed 3 times in a row; skipping it for 00:00:30", warnings[1].Message, StringComparison.Ordinal);

        host.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        l2.Failing = false;
        Assert.True((await host.Validation.ValidateAsync(tokens[3])).IsValid);
        Assert.Equal(3, l2.Calls);

        host.Time.Advance(TimeSpan.FromTicks(1));
        host.Service.MemoryCache.Remove(TokenHash.Compute(tokens[3]));
        Assert.True((await host.Validation.ValidateAsync(tokens[3])).IsValid);
        Assert.Equal(5, l2.Calls);
        Assert.Single(Records(host, LogLevel.Information), r => r.Message == "Distributed cache is answering again");
        Assert.Equal(2, Records(host, LogLevel.Warning).Length);
    }

    [Fact]
    public async Task Only_failures_in_a_row_count_a_successful_read_or_removal_between_them_starts_again_and_logs_no_recovery()
    {
        var l2 = new ScriptedDistributedCache();
        await using var host = await StartAsync(l2);
        string[] tokens = [.. Enumerable.Range(0, 4).Select(i => $"mat_in_a_row_{i}_0123456789")];
        foreach (var token in tokens)
        {
            host.AuthKit.AddUser(token, "user_01");
        }

        // tokens[0] is in level 2 and, once dropped from level 1, is a level-2 hit: a read that succeeds and writes nothing.
        Assert.True((await host.Validation.ValidateAsync(tokens[0])).IsValid);
        host.Service.MemoryCache.Remove(TokenHash.Compute(tokens[0]));

        // Two failures (read, write), then a successful read: the next two failures are again 1 and 2 in a row, not 3 and 4.
        l2.Failing = true;
        Assert.True((await host.Validation.ValidateAsync(tokens[1])).IsValid);
        l2.Failing = false;
        Assert.True((await host.Validation.ValidateAsync(tokens[0])).IsValid);
        int calls = l2.Calls;
        l2.Failing = true;
        Assert.True((await host.Validation.ValidateAsync(tokens[2])).IsValid);
        Assert.Equal(calls + 2, l2.Calls);

        // A successful removal starts the count again too.
        l2.Failing = false;
        await host.Validation.InvalidateAsync(tokens[1]);
        l2.Failing = true;
        Assert.True((await host.Validation.ValidateAsync(tokens[3])).IsValid);
        Assert.Equal(calls + 5, l2.Calls);

        Assert.DoesNotContain(Records(host, LogLevel.Warning), r => r.Message.Contains("times in a row", StringComparison.Ordinal));
        Assert.DoesNotContain(Records(host, LogLevel.Information), r => r.Message == "Distributed cache is answering again");
    }

    [Fact]
    public async Task A_hanging_level_2_costs_a_request_its_timeout_per_call_and_nothing_more()
    {
        var l2 = new ScriptedDistributedCache { Hanging = true };
        await using var host = await StartAsync(l2);
        host.AuthKit.AddUser(Token, "user_01");

        var pending = host.Validation.ValidateAsync(Token).AsTask();
        await WaitUntilAsync(() => l2.Reads == 1);
        // The call is counted before the library arms its timeout on the fake clock: let it arm before the clock moves.
        await Task.Delay(200);
        host.Time.Advance(TimeSpan.FromMilliseconds(249));
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        // The read gives up at 250 ms; the answer comes from the issuer; the write gives up 250 ms later.
        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => l2.Writes == 1);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);
        host.Time.Advance(TimeSpan.FromMilliseconds(250));

        Assert.True((await pending.WaitAsync(TimeSpan.FromSeconds(10))).IsValid);
        Assert.Equal(1, host.AuthKit.UserInfoCalls);
    }

    [Fact]
    public async Task A_removal_is_tried_even_while_level_2_is_cooling_down()
    {
        var l2 = new ScriptedDistributedCache { Failing = true };
        await using var host = await StartAsync(l2, o => o.DistributedCacheFailureThreshold = 1);
        host.AuthKit.AddUser(Token, "user_01");
        await host.Validation.ValidateAsync(Token);
        Assert.Equal(1, l2.Calls);

        await host.Validation.InvalidateAsync(Token);

        Assert.Equal(1, l2.Removes);
    }

    [Fact]
    public async Task With_level_2_off_nothing_is_read_written_or_removed()
    {
        var l2 = new ScriptedDistributedCache();
        await using var host = await CoreHost.StartAsync(services: s => s.AddSingleton<IDistributedCache>(l2));
        host.AuthKit.AddUser(Token, "user_01");

        await host.Validation.ValidateAsync(Token);
        await host.Validation.InvalidateAsync(Token);

        Assert.Equal(0, l2.Calls);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting for the level-2 call");
            await Task.Delay(5);
        }
    }

    private static Task<CoreHost> StartAsync(ScriptedDistributedCache l2, Action<TokenCacheOptions>? configure = null) =>
        CoreHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:Cache:RefreshAheadRatio"] = "0" },
            configure: b => b.AddDistributedCache(configure),
            services: s => s.AddSingleton<IDistributedCache>(l2));

    private static string KeyOf(CoreHost host, string token) =>
        host.Services.GetRequiredService<DistributedTokenCache>().GetKey(TokenHash.Compute(token));

    private static FakeLogRecord[] Records(CoreHost host, LogLevel level) =>
        [.. host.Logs.GetSnapshot().Where(r => r.Level == level && r.Category == typeof(DistributedTokenCache).FullName)];
}

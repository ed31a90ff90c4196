using System.Net;
using Microsoft.EntityFrameworkCore;
using TokenValidation.AspNetCore.Tests.Infrastructure;
using TokenValidation.Testing;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>Find-or-create user mapping: once per cache fill, cached as a claim, one user however the first requests race.</summary>
public sealed class UserMappingTests : IClassFixture<AuthKitFixture>, IDisposable
{
    private readonly AuthKitStandIn _authKit;
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"tv-users-{Guid.NewGuid():N}.db");

    public UserMappingTests(AuthKitFixture fixture) => _authKit = fixture.Reset();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    [Fact]
    public async Task The_hook_runs_once_for_100_requests_with_one_token()
    {
        var calls = new MapperCalls();
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            TokenValidation = tv => tv.AddUserMapper<CountingUserMapper>(),
            Services = builder => builder.Services.AddSingleton(calls),
        };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_100", "hundred@example.com", extra: new { scope = "mcp:tools" });

        for (int i = 0; i < 100; i++)
        {
            using var response = await app.GetAsync("/mcp", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["local-user_100"], Http.Claims(await response.Content.ReadAsStringAsync())["local_user_id"]);
        }

        Assert.Equal(1, calls.Count);
        Assert.Equal(1, _authKit.UserInfoCalls);
    }

    [Fact]
    public async Task Fifty_concurrent_first_requests_for_a_new_user_create_exactly_one_user()
    {
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            TokenValidation = tv => tv.AddUserMapper<AppUserMapper>(),
            Services = builder => builder.Services.AddDbContext<UsersDbContext>(db => db.UseSqlite($"Data Source={_databasePath}")),
        };

        // SQLite's busy-retry blocks pool threads and the stand-in shares the process: slow is fine here, failing is not.
        options.Settings["TokenValidation:AuthKit:Timeout"] = "00:01:00";
        options.Settings["TokenValidation:AuthKit:Resilience:Enabled"] = "false";
        await using var app = await McpTestApp.StartAsync(options);
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<UsersDbContext>().Database.EnsureCreatedAsync();
        }

        // Different tokens for one person, so single flight cannot hide the race: 50 cache fills, 50 hook calls.
        var tokens = Enumerable.Range(0, 50).Select(_ => AuthKitFixture.NewToken()).ToArray();
        foreach (var token in tokens)
        {
            _authKit.AddUser(token, "user_01NEW", "New.User@Example.com", "New User", new { scope = "mcp:tools", email_verified = true });
        }

        // Userinfo answers slowly, so every fill reaches the mapper at about the same moment.
        _authKit.Slow(TimeSpan.FromMilliseconds(200));
        var responses = await Task.WhenAll(tokens.Select(async token =>
        {
            using var response = await app.GetAsync("/mcp", token);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var localIds = responses.Select(r => Http.Claims(r.Body)["local_user_id"].Single()).Distinct().ToArray();
        Assert.Single(localIds);
        Assert.Equal(50, _authKit.UserInfoCalls);
        using (var scope = app.Services.CreateScope())
        {
            var users = await scope.ServiceProvider.GetRequiredService<UsersDbContext>().Users.ToListAsync();
            var user = Assert.Single(users);
            Assert.Equal("new.user@example.com", user.Email);
            Assert.Equal(localIds[0], user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Api_keys_are_not_mapped_by_default()
    {
        var calls = new MapperCalls();
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            TokenValidation = tv => tv.AddUserMapper<CountingUserMapper>(),
            Services = builder => builder.Services.AddSingleton(calls),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Http.Claims(await response.Content.ReadAsStringAsync()).ContainsKey("local_user_id"));
        Assert.Equal(0, calls.Count);
    }

    [Fact]
    public async Task Api_keys_are_mapped_when_configured_and_the_claim_type_is_configurable()
    {
        var calls = new MapperCalls();
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            TokenValidation = tv => tv.AddUserMapper<CountingUserMapper>(o =>
            {
                o.Sources.Add(TokenSources.ApiKey);
                o.ClaimType = "app_user";
            }),
            Services = builder => builder.Services.AddSingleton(calls),
        };
        await using var app = await McpTestApp.StartAsync(options);

        using var response = await app.GetAsync("/mcp", McpTestApp.ApiKey.Key);

        Assert.Equal(["local-apikey:ci-bot"], Http.Claims(await response.Content.ReadAsStringAsync())["app_user"]);
        Assert.Equal([TokenSources.ApiKey], calls.Sources);
    }

    [Fact]
    public async Task The_issuer_cannot_supply_the_local_user_id()
    {
        var calls = new MapperCalls();
        var options = new McpTestAppOptions(_authKit.Authority)
        {
            TokenValidation = tv => tv.AddUserMapper<CountingUserMapper>(),
            Services = builder => builder.Services.AddSingleton(calls),
        };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_spoof", extra: new { scope = "mcp:tools", local_user_id = "1" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(["local-user_spoof"], Http.Claims(await response.Content.ReadAsStringAsync())["local_user_id"]);
    }

    [Fact]
    public async Task A_failing_hook_is_503_not_invalid_token()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { TokenValidation = tv => tv.AddUserMapper<ThrowingUserMapper>() };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_down", "down@example.com", extra: new { scope = "mcp:tools" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Header("Retry-After"));
        Assert.Null(response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_hook_that_returns_no_user_id_is_503_and_the_log_says_so()
    {
        var options = new McpTestAppOptions(_authKit.Authority) { TokenValidation = tv => tv.AddUserMapper<EmptyUserMapper>(), CaptureLogs = true };
        await using var app = await McpTestApp.StartAsync(options);
        var token = AuthKitFixture.NewToken();
        _authKit.AddUser(token, "user_blank", "blank@example.com", extra: new { scope = "mcp:tools" });

        using var response = await app.GetAsync("/mcp", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(response.Header("WWW-Authenticate"));
        Assert.Contains(app.Logs.GetSnapshot(), l => l.Exception is InvalidOperationException { Message: "IMcpUserMapper.FindOrCreateUserAsync returned no user id." });
    }
}

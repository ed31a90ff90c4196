using McpServerSample.Users;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation;
using TokenValidation.AspNetCore.UserMapping;

namespace McpServerSample.Tests.Users;

/// <summary>
/// The sample's find-or-create mapper on a real SQLite file: (issuer, subject) first, linking by email only when the
/// issuer vouches for it, emails compared on ASCII case only, and one user however the first requests race.
/// </summary>
public sealed class SqliteUserMapperTests : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"tv-sample-users-{Guid.NewGuid():N}.db");
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = Build(_ => { });
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SampleDbContext>().Database.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    [Fact]
    public async Task An_unverified_email_equal_to_an_existing_users_does_not_link()
    {
        var victim = await MapAsync(_services, Identity("user_victim", "alice@example.com", verified: true));
        var attacker = await MapAsync(_services, Identity("user_attacker", "alice@example.com", verified: false));

        Assert.NotEqual(victim, attacker);
        Assert.Equal(2, await CountUsersAsync());
    }

    [Fact]
    public async Task A_verified_email_equal_to_an_existing_users_links_to_that_user()
    {
        var first = await MapAsync(_services, Identity("user_01", "alice@example.com", verified: true));
        var viaJwt = await MapAsync(_services, Identity("other-issuer-subject", "alice@example.com", verified: true, TokenSources.Jwt));

        Assert.Equal(first, viaJwt);
        Assert.Equal(1, await CountUsersAsync());
    }

    [Fact]
    public async Task Emails_differing_only_in_ascii_case_are_one_user()
    {
        var upper = await MapAsync(_services, Identity("user_upper", "Alice@Example.com", verified: true));
        var lower = await MapAsync(_services, Identity("user_lower", "alice@example.com", verified: true));

        Assert.Equal(upper, lower);
        Assert.Equal(1, await CountUsersAsync());
    }

    [Fact]
    public async Task The_kelvin_sign_address_does_not_land_on_the_kelvin_account()
    {
        var kelvin = await MapAsync(_services, Identity("user_kelvin", "kelvin@example.com", verified: true));
        var kelvinSign = await MapAsync(_services, Identity("user_kelvin_sign", "\u212Aelvin@example.com", verified: true));

        Assert.NotEqual(kelvin, kelvinSign);
        Assert.Equal(2, await CountUsersAsync());
    }

    [Fact]
    public async Task Two_blank_emails_do_not_link()
    {
        var empty = await MapAsync(_services, Identity("user_empty", "", verified: true));
        var whitespace = await MapAsync(_services, Identity("user_whitespace", " \t ", verified: true));

        Assert.NotEqual(empty, whitespace);
        Assert.Equal(2, await CountUsersAsync());
    }

    [Fact]
    public async Task The_issuer_and_subject_find_a_returning_user_whatever_the_email_says_now()
    {
        var first = await MapAsync(_services, Identity("user_mover", "old@example.com", verified: true));
        var later = await MapAsync(_services, Identity("user_mover", "new@example.com", verified: false));

        Assert.Equal(first, later);
        Assert.Equal(1, await CountUsersAsync());
    }

    [Fact]
    public async Task The_same_subject_from_another_issuer_is_another_user()
    {
        var authKit = await MapAsync(_services, Identity("shared-subject", null, verified: false));
        var jwt = await MapAsync(_services, Identity("shared-subject", null, verified: false, TokenSources.Jwt));

        Assert.NotEqual(authKit, jwt);
    }

    [Fact]
    public async Task An_issuer_the_app_declares_verified_links_without_the_claim()
    {
        await using var declared = Build(o => o.VerifiedEmailSources.Add(TokenSources.AuthKit));
        var first = await MapAsync(declared, Identity("user_decl_1", "bob@example.com", verified: false));
        var second = await MapAsync(declared, Identity("user_decl_2", "BOB@example.com", verified: false));
        var otherIssuer = await MapAsync(declared, Identity("user_decl_3", "bob@example.com", verified: false, TokenSources.Jwt));

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherIssuer);
    }

    [Theory]
    [InlineData("new.person@example.com")]
    [InlineData(null)]
    public async Task Concurrent_first_requests_for_one_new_user_create_exactly_one_user(string? email)
    {
        // Each request has its own DI scope and DbContext, as on the server; 20 start at once on one SQLite file.
        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await MapAsync(_services, Identity("user_01RACE", email, verified: true));
        })).ToArray();
        start.Set();
        var ids = await Task.WhenAll(requests);

        Assert.Single(ids.Distinct());
        Assert.Equal(1, await CountUsersAsync());
        await using var scope = _services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SampleDbContext>().Logins.CountAsync());
    }

    [Fact]
    public async Task Concurrent_first_requests_through_two_issuers_with_one_verified_email_end_as_one_user()
    {
        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await MapAsync(_services, Identity("subject-" + (i % 2), "Race@Example.com", verified: true, i % 2 == 0 ? TokenSources.AuthKit : TokenSources.Jwt));
        })).ToArray();
        start.Set();
        var ids = await Task.WhenAll(requests);

        Assert.Single(ids.Distinct());
        Assert.Equal(1, await CountUsersAsync());
    }

    private ServiceProvider Build(Action<McpUserMappingOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<SampleDbContext>(o => o.UseSqlite($"Data Source={_databasePath}"));
        services.AddOptions<McpUserMappingOptions>().Configure(configure);
        services.AddScoped<SqliteUserMapper>();
        return services.BuildServiceProvider();
    }

    private static async Task<string> MapAsync(IServiceProvider services, TokenIdentity identity)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SqliteUserMapper>().FindOrCreateUserAsync(identity, CancellationToken.None);
    }

    private async Task<int> CountUsersAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SampleDbContext>().Users.CountAsync();
    }

    private static TokenIdentity Identity(string subject, string? email, bool verified, string source = TokenSources.AuthKit) => new()
    {
        Subject = subject,
        Email = email,
        Source = source,
        Claims = verified ? [new TokenClaim(McpUserEmail.VerifiedClaimType, "true")] : [],
    };
}

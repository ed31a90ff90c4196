using TokenValidation.Testing;

namespace TokenValidation.Tests.Jwt;

/// <summary>
/// CONTRACT §11 on the container's clock (a <see cref="FakeTimeProvider"/> started at the real time the stand-in signs
/// with): <c>nbf</c> within the clock skew, a token valid up to its <c>exp</c>, keys fetched again on schedule (and kept
/// when that fetch fails), and a refresh for an unknown <c>kid</c> at most once per minimum interval.
/// </summary>
public sealed class JwtClockTests
{
    [Fact]
    public async Task A_token_is_accepted_from_exactly_the_clock_skew_before_its_nbf_and_not_a_second_earlier()
    {
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
        await using var host = await StartAsync(notBefore - TimeSpan.FromSeconds(31));
        await WarmAsync(host);

        var early = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_a", JwtHost.Resource, notBefore: notBefore));
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var onTime = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_b", JwtHost.Resource, notBefore: notBefore));

        Assert.Equal(TokenValidationOutcome.Invalid, early.Outcome);
        Assert.Equal("The token is not valid yet.", early.ErrorDescription);
        Assert.Equal(TokenValidationOutcome.Valid, onTime.Outcome);
    }

    [Fact]
    public async Task A_token_is_valid_in_its_last_second_before_exp_and_cached_no_longer_than_exp()
    {
        await using var host = await StartAsync(DateTimeOffset.UtcNow);
        await WarmAsync(host);
        string token = host.Server.CreateAccessToken("user_01", JwtHost.Resource, lifetime: TimeSpan.FromMinutes(2));
        var exp = DateTimeOffset.FromUnixTimeSeconds(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).GetPayloadValue<long>("exp"));
        host.Time.SetUtcNow(exp - TimeSpan.FromSeconds(1));

        var lastSecond = await host.Validation.ValidateAsync(token);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var atExp = await host.Validation.ValidateAsync(token);

        Assert.Equal(TokenValidationOutcome.Valid, lastSecond.Outcome);
        Assert.Equal(exp, lastSecond.Identity!.ExpiresAt);
        Assert.Equal(TokenValidationOutcome.Invalid, atExp.Outcome);
        Assert.Equal("The token has expired.", atExp.ErrorDescription);
    }

    [Fact]
    public async Task Keys_are_fetched_again_once_the_refresh_interval_has_passed_and_kept_when_that_fetch_fails()
    {
        await using var host = await StartAsync(DateTimeOffset.UtcNow);
        await WarmAsync(host);

        host.Time.Advance(TimeSpan.FromMinutes(60) - TimeSpan.FromSeconds(1));
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(NewToken(host, "user_a"))).Outcome);
        Assert.Equal(1, host.Server.JwksCalls);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(NewToken(host, "user_b"))).Outcome);
        Assert.Equal(2, host.Server.JwksCalls);

        // The next scheduled fetch fails: the keys fetched before still check tokens.
        host.Server.JwksBehavior = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        host.Time.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(NewToken(host, "user_c"))).Outcome);
        Assert.True(host.Server.JwksCalls > 2);
        Assert.Contains(host.Core.Logs.GetSnapshot(), l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && l.Message.Contains("could not be refreshed", StringComparison.Ordinal)
            && l.Message.Contains("keeping the 2 keys", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_kid_may_refresh_the_keys_again_exactly_the_minimum_interval_after_the_last_such_refresh()
    {
        await using var host = await StartAsync(DateTimeOffset.UtcNow);
        await WarmAsync(host);
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(UnknownKid(host, "user_a"))).Outcome);
        Assert.Equal(2, host.Server.JwksCalls);

        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(TokenValidationOutcome.Invalid, (await host.Validation.ValidateAsync(UnknownKid(host, "user_b"))).Outcome);
        Assert.Equal(2, host.Server.JwksCalls);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await host.Validation.ValidateAsync(UnknownKid(host, "user_c"));

        Assert.Equal("The token is signed with an unknown key.", result.ErrorDescription);
        Assert.Equal(3, host.Server.JwksCalls);
    }

    // Three hours of life, so moving the clock an hour or two never expires them.
    private static string NewToken(ClockHost host, string subject) =>
        host.Server.CreateAccessToken(subject, JwtHost.Resource, lifetime: TimeSpan.FromHours(3));

    private static string UnknownKid(ClockHost host, string subject) =>
        host.Server.CreateAccessToken(subject, JwtHost.Resource, lifetime: TimeSpan.FromHours(3), unpublishedKey: true);

    // The first token fetches the keys (one JWKS call).
    private static async Task WarmAsync(ClockHost host)
    {
        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(NewToken(host, "warm"))).Outcome);
        Assert.Equal(1, host.Server.JwksCalls);
    }

    private static async Task<ClockHost> StartAsync(DateTimeOffset now)
    {
        var server = await AuthorizationServerStandIn.StartAsync();
        var time = new FakeTimeProvider(now);
        var core = await CoreHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:Resource"] = JwtHost.Resource,
                ["TokenValidation:Jwt:Issuer"] = server.Issuer,
                ["TokenValidation:Jwt:AllowHttp"] = "true",
            },
            configure: b => b.AddJwt(),
            time: time);
        return new ClockHost(server, core, time);
    }

    private sealed class ClockHost(AuthorizationServerStandIn server, CoreHost core, FakeTimeProvider time) : IAsyncDisposable
    {
        public AuthorizationServerStandIn Server { get; } = server;

        public FakeTimeProvider Time { get; } = time;

        public CoreHost Core { get; } = core;

        public ITokenValidationService Validation => Core.Validation;

        public async ValueTask DisposeAsync()
        {
            await Core.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}

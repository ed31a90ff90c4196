using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;
using TokenValidation.Testing;
using TokenValidation.Tests.Observability;
using TokenValidation.Tests.Resilience;

namespace TokenValidation.Tests.Health;

/// <summary>The health check: the AuthKit circuit and level-2 reachability, through <c>AddHealthChecks().AddTokenValidation()</c>.</summary>
public sealed class TokenValidationHealthCheckTests
{
    [Fact]
    public async Task Healthy_with_a_closed_circuit_and_no_level_2()
    {
        await using var host = await StandInHost.StartAsync(services: s => s.AddHealthChecks().AddTokenValidation());

        var entry = await CheckAsync(host.Services);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("closed", entry.Data["authkit.circuit"]);
        Assert.Equal("disabled", entry.Data["l2"]);
    }

    [Fact]
    public async Task Degraded_while_the_circuit_is_open_or_half_open_and_healthy_once_it_closes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(
            FastBreaker(),
            services: s => s.AddHealthChecks().AddTokenValidation(),
            time: time);
        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(StandInHost.NewToken());

        var open = await CheckAsync(host.Services);
        Assert.Equal(HealthStatus.Degraded, open.Status);
        Assert.Equal("open", open.Data["authkit.circuit"]);
        Assert.Equal(10d, open.Data["authkit.circuit.retry_after_seconds"]);
        Assert.Contains("503", open.Description, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(6d, (await CheckAsync(host.Services)).Data["authkit.circuit.retry_after_seconds"]);

        // The break ends; a probe is in flight (AuthKit holds it): half-open.
        time.Advance(TimeSpan.FromSeconds(6));
        var (probe, release) = await HoldProbeAsync(host);

        var halfOpen = await CheckAsync(host.Services);
        Assert.Equal(HealthStatus.Degraded, halfOpen.Status);
        Assert.Equal("half_open", halfOpen.Data["authkit.circuit"]);

        release.SetResult();
        Assert.True((await probe).IsValid);
        var closed = await CheckAsync(host.Services);
        Assert.Equal(HealthStatus.Healthy, closed.Status);
        Assert.Equal("closed", closed.Data["authkit.circuit"]);
    }

    [Fact]
    public async Task Degraded_while_level_2_cools_down_after_failures_and_healthy_after_the_cool_down()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var l2 = new FlakyDistributedCache();
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TokenValidation:Cache:DistributedCacheFailureThreshold"] = "1",
                ["TokenValidation:Cache:DistributedCacheCooldown"] = "00:00:30",
            },
            configure: b => b.AddDistributedCache(),
            services: s =>
            {
                s.AddSingleton<IDistributedCache>(l2);
                s.AddHealthChecks().AddTokenValidation();
            },
            time: time);
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        await host.Validation.ValidateAsync(token);
        Assert.Equal("healthy", (await CheckAsync(host.Services)).Data["l2"]);

        l2.Failing = true;
        await host.Validation.ValidateAsync(StandInHost.NewToken());

        var cooling = await CheckAsync(host.Services);
        Assert.Equal(HealthStatus.Degraded, cooling.Status);
        Assert.Equal("cooling_down", cooling.Data["l2"]);
        Assert.Equal("closed", cooling.Data["authkit.circuit"]);

        l2.Failing = false;
        time.Advance(TimeSpan.FromSeconds(30));
        var back = await CheckAsync(host.Services);
        Assert.Equal(HealthStatus.Healthy, back.Status);
        Assert.Equal("healthy", back.Data["l2"]);
    }

    [Fact]
    public async Task The_description_names_every_problem_and_the_circuits_retry_after_rounds_up_to_whole_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var l2 = new FlakyDistributedCache { Failing = true };
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?>(FastBreaker())
            {
                ["TokenValidation:Cache:DistributedCacheFailureThreshold"] = "1",
                ["TokenValidation:Cache:DistributedCacheCooldown"] = "00:01:00",
            },
            configure: b => b.AddDistributedCache(),
            services: s =>
            {
                s.AddSingleton<IDistributedCache>(l2);
                s.AddHealthChecks().AddTokenValidation();
            },
            time: time);
        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        time.Advance(TimeSpan.FromSeconds(3.5));

        var entry = await CheckAsync(host.Services);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal(
            "AuthKit circuit is open: cache misses answer 503 without calling AuthKit; "
            + "level-2 cache failed repeatedly and is skipped for a cool-down (serving from memory and upstream).",
            entry.Description);
        Assert.Equal(7d, entry.Data["authkit.circuit.retry_after_seconds"]);
        Assert.Equal("open", entry.Data["authkit.circuit"]);
        Assert.Equal("cooling_down", entry.Data["l2"]);
    }

    [Fact]
    public async Task Healthy_says_so_and_a_half_open_circuit_says_it_is_probing_without_a_retry_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(
            FastBreaker(),
            services: s => s.AddHealthChecks().AddTokenValidation(),
            time: time);
        var healthy = await CheckAsync(host.Services);
        Assert.Equal("Token validation is healthy.", healthy.Description);
        Assert.False(healthy.Data.ContainsKey("authkit.circuit.retry_after_seconds"));

        host.AuthKit.RespondWith(503);
        await host.Validation.ValidateAsync(StandInHost.NewToken());
        time.Advance(TimeSpan.FromSeconds(10));
        var (probe, release) = await HoldProbeAsync(host);

        var halfOpen = await CheckAsync(host.Services);

        release.SetResult();
        await probe;
        Assert.Equal("AuthKit circuit is half-open: probing whether AuthKit has recovered.", halfOpen.Description);
        Assert.False(halfOpen.Data.ContainsKey("authkit.circuit.retry_after_seconds"));
    }

    [Fact]
    public async Task The_registration_takes_a_name_tags_and_the_status_to_report_instead_of_Degraded()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StandInHost.StartAsync(
            new Dictionary<string, string?> { ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "2" },
            services: s => s.AddHealthChecks().AddTokenValidation("auth", HealthStatus.Unhealthy, ["ready"]),
            time: time);
        host.AuthKit.RespondWith(500);
        await host.Validation.ValidateAsync(StandInHost.NewToken());

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        var entry = Assert.Single(report.Entries);
        Assert.Equal("auth", entry.Key);
        Assert.Equal(HealthStatus.Unhealthy, entry.Value.Status);
    }

    [Fact]
    public void An_empty_name_or_no_builder_is_refused_at_registration()
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentException>("name", () => builder.AddTokenValidation(""));
        Assert.Throws<ArgumentNullException>("builder", () => ((IHealthChecksBuilder)null!).AddTokenValidation());
    }

    [Fact]
    public async Task Without_AuthKit_there_is_no_circuit_to_report()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenValidation().AddApiKeys();
        services.AddHealthChecks().AddTokenValidation();
        await using var provider = services.BuildServiceProvider();

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("none", entry.Data["authkit.circuit"]);
    }

    // A breaker that opens after two failed calls (no retry wait to speak of) and stays open 10 s of the fake clock.
    private static Dictionary<string, string?> FastBreaker() => new()
    {
        ["TokenValidation:AuthKit:Resilience:RetryDelay"] = "00:00:00.010",
        ["TokenValidation:AuthKit:Resilience:MinimumThroughput"] = "2",
        ["TokenValidation:AuthKit:Resilience:BreakDuration"] = "00:00:10",
    };

    // After the break: a probe for a known user that AuthKit holds until released, so the circuit stays half-open.
    private static async Task<(Task<TokenCheckResult> Probe, TaskCompletionSource Release)> HoldProbeAsync(StandInHost host)
    {
        string token = StandInHost.NewToken();
        host.AuthKit.AddUser(token, "user_01");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.AuthKit.Behavior = async context =>
        {
            await release.Task.WaitAsync(host.AuthKit.Stopping);
            await host.AuthKit.DefaultUserInfoAsync(context);
        };
        var probe = host.Validation.ValidateAsync(token).AsTask();
        await WaitUntil(() => host.Circuit.State == CircuitState.HalfOpen);
        return (probe, release);
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[TokenValidationHealthChecksBuilderExtensions.DefaultName];
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting.");
            await Task.Delay(10);
        }
    }
}

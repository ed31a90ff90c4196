using TokenValidation.Tests.Jwt;

namespace TokenValidation.Tests.Core;

/// <summary>
/// CONTRACT §7: JWTs are checked locally, but fetching the issuer's keys goes out, so the JWT route has a bulkhead of its
/// own: beyond <c>MaxConcurrentUpstreamCalls</c> a JWT miss is Unavailable at once instead of queueing on the fetch.
/// </summary>
public sealed class JwtRouteBulkheadTests
{
    [Fact]
    public async Task A_JWT_beyond_the_bound_while_the_keys_are_being_fetched_is_unavailable_at_once()
    {
        await using var host = await JwtHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:MaxConcurrentUpstreamCalls"] = "1",
            ["TokenValidation:Jwt:Timeout"] = "00:00:30",
        });
        var fetching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.JwksBehavior = async context =>
        {
            fetching.TrySetResult();
            await release.Task;
            context.Response.StatusCode = 503;
        };
        try
        {
            var held = host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_01", JwtHost.Resource)).AsTask();
            await fetching.Task.WaitAsync(TimeSpan.FromSeconds(10));

            var refused = await host.Validation.ValidateAsync(host.Server.CreateAccessToken("user_02", JwtHost.Resource)).AsTask()
                .WaitAsync(TimeSpan.FromSeconds(5));

            Assert.Equal(TokenValidationOutcome.Unavailable, refused.Outcome);
            Assert.Equal("Too many tokens are being checked at once.", refused.ErrorDescription);
            Assert.Equal(1, host.Server.JwksCalls);
            release.SetResult();
            Assert.Equal(TokenValidationOutcome.Unavailable, (await held.WaitAsync(TimeSpan.FromSeconds(30))).Outcome);
        }
        finally
        {
            release.TrySetResult();
        }
    }
}

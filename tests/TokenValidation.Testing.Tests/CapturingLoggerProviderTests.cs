using Microsoft.Extensions.Logging;

namespace TokenValidation.Testing.Tests;

public sealed class CapturingLoggerProviderTests
{
    [Fact]
    public void Captures_messages_state_scopes_and_exceptions_at_every_level()
    {
        var capture = new CapturingLoggerProvider();
        using (var factory = capture.CreateLoggerFactory())
        {
            var logger = factory.CreateLogger("Cat");
            using (logger.BeginScope("Request {RequestId}", "req-7"))
            {
                logger.LogTrace("trace {Hash}", "ab12cd");
                logger.LogError(new InvalidOperationException("boom"), "failed for {User}", "usr_1");
            }
        }

        var logs = capture.Logs;
        Assert.Equal(2, logs.Count);
        Assert.Equal(LogLevel.Trace, logs[0].Level);
        Assert.Equal("Cat", logs[0].Category);
        Assert.Equal("trace ab12cd", logs[0].Message);
        Assert.Contains(logs[0].State, kv => kv.Key == "Hash" && (string?)kv.Value == "ab12cd");
        Assert.Contains("RequestId=req-7", logs[0].Scopes.Single());
        Assert.Contains("boom", logs[1].Exception);
        Assert.True(capture.AnyContains("usr_1"));
        Assert.True(capture.AnyContains("req-7"));
        Assert.True(capture.AnyContains("boom"));
        Assert.False(capture.AnyContains("mat_secret"));
        Assert.Single(capture.AtLeast(LogLevel.Warning));

        capture.Clear();
        Assert.Empty(capture.Logs);
    }

    [Fact]
    public async Task Is_thread_safe()
    {
        var capture = new CapturingLoggerProvider();
        var logger = capture.CreateLogger("Parallel");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                logger.LogInformation("{Thread} {I}", t, i);
            }
        })));

        Assert.Equal(4000, capture.Logs.Count);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenValidation.Testing.Tests;

/// <summary>The "no token in any log" checks read <see cref="FakeLogRecordText.ToFullText"/>: it must reach past the message.</summary>
public sealed class FakeLogRecordTextTests
{
    [Fact]
    public void Full_text_holds_state_values_scope_pairs_and_the_exception_the_message_leaves_out()
    {
        var collector = new FakeLogCollector();
        using (var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector))))
        {
            var logger = factory.CreateLogger("Checks");
            using (logger.BeginScope(new Dictionary<string, object?> { ["RequestId"] = "req-7" }))
            using (logger.BeginScope("outer {Name}", "scope-name"))
            {
                KeyValuePair<string, object?>[] state = [new("Subject", "usr_1"), new("{OriginalFormat}", "checked")];
                logger.Log(LogLevel.Trace, new EventId(3, "Checked"), state, null, (_, _) => "checked");
                logger.LogWarning(new InvalidOperationException("boom"), "failed");
            }
        }

        var records = collector.GetSnapshot();
        Assert.Equal(2, records.Count);
        Assert.Equal("checked", records[0].Message);
        string trace = records[0].ToFullText();
        Assert.Contains("Subject=usr_1", trace, StringComparison.Ordinal);
        Assert.Contains("RequestId=req-7", trace, StringComparison.Ordinal);
        Assert.Contains("outer scope-name", trace, StringComparison.Ordinal);
        Assert.Contains("(3 Checked)", trace, StringComparison.Ordinal);
        Assert.Contains("boom", records[1].ToFullText(), StringComparison.Ordinal);
        Assert.True(collector.AnyContains("usr_1"));
        Assert.False(collector.AnyContains("mat_never_logged"));
    }
}

using TokenValidation.Testing;

namespace TokenValidation.Tests.Core;

/// <summary>Never log a token: every line captured at Trace level through valid, invalid and unavailable paths.</summary>
public sealed class NoTokenInLogsTests
{
    [Fact]
    public async Task No_log_line_contains_a_token()
    {
        var apiKey = TokenValidation.ApiKeys.ApiKeyGenerator.Generate();
        await using var host = await CoreHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "k",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = apiKey.Hash,
        });
        string[] tokens =
        [
            "mat_valid_secret_0123456789abcdefghij",
            "mat_invalid_secret_0123456789abcdefgh",
            "mat_unavailable_secret_0123456789abcd",
            apiKey.Key,
            apiKey.Key[..^2] + "xx",
            "zzz_unknown_prefix_secret_0123456789",
        ];
        host.AuthKit.AddUser(tokens[0], "user_01", "ada@example.com");

        foreach (var token in tokens[..2])
        {
            await host.Validation.ValidateAsync(token);
            await host.Validation.ValidateAsync(token);
        }

        host.AuthKit.RespondWith(500);
        await host.Validation.ValidateAsync(tokens[2]);
        host.AuthKit.ResetBehavior();
        foreach (var token in tokens[3..])
        {
            await host.Validation.ValidateAsync(token);
        }

        await host.Validation.InvalidateAsync(tokens[0]);

        var logs = host.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        foreach (var token in tokens)
        {
            // The random part alone must not appear either.
            string secret = token[4..];
            Assert.DoesNotContain(logs, l => l.ToFullText().Contains(secret, StringComparison.Ordinal));
        }
    }
}

namespace TokenValidation.Doctor.Tests;

/// <summary><c>--json</c>: one document with the same checks, in order, their fixes, the summary and the exit code.</summary>
public sealed class JsonReportTests
{
    [Fact]
    public async Task The_json_document_holds_every_check_in_order_with_a_summary_matching_them()
    {
        await using var host = await BrokenMcpHost.StartAsync(new HostFaults { NoS256 = true });

        var run = await DoctorRun.JsonAsync(host.McpUrl);

        var document = run.Document;
        Assert.Equal("mcp-auth-doctor", document.GetProperty("tool").GetString());
        Assert.Equal(DoctorCommand.Version, document.GetProperty("version").GetString());
        Assert.Equal(host.McpUrl, document.GetProperty("endpoint").GetString());
        Assert.Equal(1, document.GetProperty("exitCode").GetInt32());
        Assert.Equal(
            ["post-401", "challenge-bearer", "challenge-resource-metadata", "challenge-scope", "challenge-no-error", "challenge-cors",
             "get-401", "delete-401", "prm-advertised", "prm-path-inserted", "prm-root", "prm-cors", "prm-resource", "prm-authorization-servers",
             "as-metadata", "as-issuer", "as-authorization-endpoint", "as-token-endpoint", "as-pkce-s256", "as-registration",
             "origin-as-metadata", "url-whitespace", "url-https", "offline-access", "token-initialize", "token-tools-list", "token-wrong-401"],
            run.Checks.Select(c => c.GetProperty("id").GetString()));

        var summary = document.GetProperty("summary");
        Assert.Equal(23, summary.GetProperty("passed").GetInt32());
        Assert.Equal(0, summary.GetProperty("warnings").GetInt32());
        Assert.Equal(1, summary.GetProperty("failed").GetInt32());
        Assert.Equal(3, summary.GetProperty("skipped").GetInt32());

        var pkce = run.Check("as-pkce-s256");
        Assert.Equal("fail", pkce.GetProperty("status").GetString());
        Assert.Equal("PKCE S256 supported", pkce.GetProperty("title").GetString());
        Assert.Equal(host.Issuer, pkce.GetProperty("target").GetString());
        Assert.False(run.Check("post-401").TryGetProperty("fix", out _));
        Assert.Equal("pass --token to run the authenticated checks", run.Saw("token-initialize"));
    }
}

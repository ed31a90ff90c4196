using System.Text.Json;

namespace McpServerSample.Tests;

/// <summary>
/// The development stand-in switched to JWT access tokens, by the <c>--jwt</c> switch or by configuration: the printed
/// token is a JWT and the official MCP client uses it for both tools, checked against the stand-in's published keys.
/// </summary>
public sealed class DevJwtTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mcp-sample-devjwt-").FullName;

    public static TheoryData<string> Switches => ["--jwt", "DevAuthKit:TokenFormat=jwt"];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task DevStandInInJwtMode_PrintsAJwt_ThatTheClientUsesForBothTools(string jwtSwitch)
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Sample"] = $"Data Source={Path.Combine(_directory, "sample.db")}" };
        string[] args = [];
        if (jwtSwitch.Split('=') is [var key, var value])
        {
            settings[key] = value;
        }
        else
        {
            args = [jwtSwitch];
        }

        await using var sample = await SampleProcess.StartAsync("Development", settings, readyLine: "curl -i ", args);
        string token = sample.Value("Token for", nextLine: true);
        string mcpUrl = sample.Value("MCP endpoint:");

        Assert.Equal(3, token.Split('.').Length);
        Assert.DoesNotContain("mat_", token, StringComparison.Ordinal);

        await using var client = await SampleClient.ConnectAsync(mcpUrl, token);
        Assert.Equal(["add_note", "whoami"], (await client.ListToolsAsync()).Select(t => t.Name).Order());

        var whoami = await client.CallToolAsync("whoami");
        Assert.NotEqual(true, whoami.IsError);
        var me = whoami.StructuredContent!.Value;
        Assert.Equal("user_01DEVELOPMENT0000000000000", me.GetProperty("subject").GetString());
        Assert.Equal("authkit", me.GetProperty("source").GetString());
        Assert.Equal(["mcp:tools"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var note = await client.CallToolAsync("add_note", new Dictionary<string, object?> { ["text"] = "written with a development JWT" });
        Assert.NotEqual(true, note.IsError);
        Assert.True(note.StructuredContent!.Value.GetProperty("noteId").GetInt32() > 0);
    }
}

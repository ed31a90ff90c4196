using System.Text.Json;

namespace TokenValidation.Doctor.Tests;

/// <summary>One run of mcp-auth-doctor: its exit code and what it wrote, with the <c>--json</c> document read back.</summary>
public sealed record DoctorRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs the tool in process through its entry point.</summary>
    public static async Task<DoctorRun> InProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await DoctorCommand.RunAsync(args, output, error);
        return new DoctorRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the tool in process with <c>--json</c>.</summary>
    public static Task<DoctorRun> JsonAsync(params string[] args) => InProcessAsync([.. args, "--json"]);

    /// <summary>The <c>--json</c> document.</summary>
    public JsonElement Document => JsonDocument.Parse(Output).RootElement;

    /// <summary>Every check of the document.</summary>
    public IReadOnlyList<JsonElement> Checks => [.. Document.GetProperty("checks").EnumerateArray()];

    /// <summary>The first check named <paramref name="id"/>.</summary>
    public JsonElement Check(string id) =>
        Checks.FirstOrDefault(c => c.GetProperty("id").GetString() == id) is { ValueKind: JsonValueKind.Object } check
            ? check
            : throw new Xunit.Sdk.XunitException($"No check '{id}' in:\n{Output}");

    /// <summary>pass, warn, fail or skip.</summary>
    public string Status(string id) => Check(id).GetProperty("status").GetString()!;

    /// <summary>What the check saw.</summary>
    public string Saw(string id) => Check(id).GetProperty("saw").GetString()!;

    /// <summary>The check's fix.</summary>
    public string Fix(string id) => Check(id).TryGetProperty("fix", out var fix) ? fix.GetString()! : "";

    /// <summary>The ids of the checks with <paramref name="status"/>, in order.</summary>
    public IReadOnlyList<string> Ids(string status) =>
        [.. Checks.Where(c => c.GetProperty("status").GetString() == status).Select(c => c.GetProperty("id").GetString()!)];
}

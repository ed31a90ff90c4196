namespace TokenValidation.Doctor.Reporting;

/// <summary>The report for people: one line per check (status, name, what was seen), the fix under each warn and fail, a summary.</summary>
internal static class TextReportWriter
{
    private const string Reset = "\u001b[0m";

    /// <summary>Writes <paramref name="report"/>; ANSI colours only when <paramref name="color"/> (stdout is a terminal and NO_COLOR is unset).</summary>
    public static void Write(DoctorReport report, TextWriter output, bool color)
    {
        output.WriteLine($"mcp-auth-doctor {DoctorCommand.Version}: {report.Endpoint}");
        output.WriteLine();
        int width = report.Checks.Max(c => c.Id.Length) + 2;
        foreach (var check in report.Checks)
        {
            string label = check.Status switch
            {
                CheckStatus.Pass => "PASS",
                CheckStatus.Warn => "WARN",
                CheckStatus.Fail => "FAIL",
                _ => "SKIP",
            };
            output.WriteLine($"{Paint(label, check.Status, color)}  {check.Id.PadRight(width)}{check.Saw}");
            if (check.Fix is not null)
            {
                output.WriteLine($"      {new string(' ', width)}fix: {check.Fix}");
            }
        }

        output.WriteLine();
        string summary = $"{report.Passed} passed, {report.Warnings} warning(s), {report.Failed} failed, {report.Skipped} skipped";
        output.WriteLine(report.Failed > 0
            ? $"{Paint(summary, CheckStatus.Fail, color)}: MCP clients cannot get through until the failures are fixed."
            : $"{Paint(summary, report.Warnings > 0 ? CheckStatus.Warn : CheckStatus.Pass, color)}: nothing failed.");
    }

    private static string Paint(string text, CheckStatus status, bool color)
    {
        if (!color)
        {
            return text;
        }

        string code = status switch
        {
            CheckStatus.Pass => "\u001b[32m",
            CheckStatus.Warn => "\u001b[33m",
            CheckStatus.Fail => "\u001b[31;1m",
            _ => "\u001b[90m",
        };
        return code + text + Reset;
    }
}

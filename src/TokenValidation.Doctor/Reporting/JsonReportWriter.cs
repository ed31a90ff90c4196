using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TokenValidation.Doctor.Reporting;

/// <summary>The report for CI: one JSON document with the same checks, fixes and summary as the text.</summary>
internal static class JsonReportWriter
{
    // Relaxed escaping: quotes and non-ASCII stay readable; the document goes to a terminal or a file, never into HTML.
    private static readonly JsonSerializerOptions Options = new(DoctorJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="report"/> as JSON.</summary>
    public static void Write(DoctorReport report, TextWriter output)
    {
        var document = new ReportDocument(
            "mcp-auth-doctor",
            DoctorCommand.Version,
            report.Endpoint,
            report.ExitCode,
            new ReportSummary(report.Passed, report.Warnings, report.Failed, report.Skipped),
            [.. report.Checks.Select(c => new ReportCheck(c.Id, c.Status, c.Title, c.Saw, c.Fix, c.Target))]);
        output.WriteLine(JsonSerializer.Serialize(document, (JsonTypeInfo<ReportDocument>)Options.GetTypeInfo(typeof(ReportDocument))));
    }
}

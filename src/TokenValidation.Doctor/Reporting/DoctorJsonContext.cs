using System.Text.Json.Serialization;

namespace TokenValidation.Doctor.Reporting;

/// <summary>Source-generated serialization of the <c>--json</c> document (no reflection, trim-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReportDocument))]
internal sealed partial class DoctorJsonContext : JsonSerializerContext;

using System.Text.Json;

namespace TokenValidation.Doctor.Wire;

/// <summary>Reading metadata documents without a schema: what is there, as written.</summary>
internal static class JsonDocuments
{
    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public static JsonElement? ParseObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string member, or null when absent or not a string.</summary>
    public static string? String(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The strings of an array member (non-strings left out), or null when absent or not an array.</summary>
    public static IReadOnlyList<string>? Strings(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : null;

    /// <summary>A boolean member, false when absent or not a boolean.</summary>
    public static bool True(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}

using System.Text;
using System.Text.Json;

namespace TokenValidation.Doctor.Wire;

/// <summary>Reads a <c>text/event-stream</c> answer to a JSON-RPC request, as Streamable HTTP servers send it.</summary>
internal static class ServerSentEvents
{
    /// <summary>
    /// The data of the first event that is a JSON-RPC response (has an <c>id</c> and a <c>result</c> or <c>error</c>),
    /// skipping notifications and requests the server sends first; null when the stream ends without one.
    /// </summary>
    public static async Task<string?> ReadFirstResponseAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        while (true)
        {
            string? line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || line.Length == 0)
            {
                // A blank line ends an event; the end of the stream ends the last one.
                if (data.Length > 0 && IsResponse(data.ToString()))
                {
                    return data.ToString();
                }

                data.Clear();
                if (line is null)
                {
                    return null;
                }

                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line.AsSpan(line.StartsWith("data: ", StringComparison.Ordinal) ? 6 : 5));
            }
        }
    }

    private static bool IsResponse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out _)
                && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

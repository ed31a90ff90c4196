namespace TokenValidation.AspNetCore.Tests.Infrastructure;

/// <summary>Reads headers exactly as sent, without HttpClient's parsing.</summary>
internal static class Http
{
    public static string? Header(this HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }

    public static string JsonRpcError(string message) =>
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"" + message + "\"}}";

    public static Dictionary<string, List<string>> Claims(string echo)
    {
        var claims = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in echo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            var type = line[..eq];
            if (!claims.TryGetValue(type, out var list))
            {
                claims[type] = list = [];
            }

            list.Add(line[(eq + 1)..]);
        }

        return claims;
    }
}

using System.Text.Json;

namespace TokenValidation.AuthKit;

/// <summary>
/// Turns a userinfo answer into an identity: <c>sub</c>, <c>email</c>, <c>name</c> as such, <c>scope</c>/<c>scp</c>
/// as scopes, <c>exp</c> as the expiry, every other field as claims (arrays become one claim per element).
/// </summary>
internal static class UserInfoParser
{
    public static TokenIdentity? Parse(ReadOnlySpan<byte> json, IEnumerable<string> defaultScopes, string source = TokenSources.AuthKit)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return null;
            }

            document = parsed;
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sub", out var sub)
                || sub.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(sub.GetString()))
            {
                return null;
            }

            string? email = null, name = null;
            List<string>? scopes = null;
            DateTimeOffset? expiresAt = null;
            var claims = new List<TokenClaim>();
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "sub":
                        break;
                    case "email" when value.ValueKind == JsonValueKind.String:
                        email = value.GetString();
                        break;
                    case "name" when value.ValueKind == JsonValueKind.String:
                        name = value.GetString();
                        break;
                    case "scope" or "scp":
                        scopes ??= [];
                        AddScopes(value, scopes);
                        break;
                    case "exp" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var exp):
                        expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(exp, 0, 253402300799));
                        break;
                    default:
                        AddClaims(property.Name, value, claims);
                        break;
                }
            }

            return new TokenIdentity
            {
                Subject = sub.GetString()!,
                Email = email,
                Name = name,
                Scopes = scopes is null ? [.. defaultScopes] : [.. scopes.Distinct(StringComparer.Ordinal)],
                Claims = claims,
                Source = source,
                ExpiresAt = expiresAt,
            };
        }
    }

    private static void AddScopes(JsonElement value, List<string> scopes)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            scopes.AddRange(value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(item.GetString()))
                {
                    scopes.Add(item.GetString()!);
                }
            }
        }
    }

    private static void AddClaims(string type, JsonElement value, List<TokenClaim> claims)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            case JsonValueKind.String:
                claims.Add(new(type, value.GetString()!));
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    AddClaims(type, item, claims);
                }

                break;
            default:
                claims.Add(new(type, value.GetRawText()));
                break;
        }
    }
}

using System.Buffers;
using System.Text.Json;
using TokenValidation.Audience;
using TokenValidation.Parsing;

namespace TokenValidation.Introspection;

/// <summary>
/// Decides what a 200 from the introspection endpoint means (CONTRACT §12). Not a JSON object with a boolean
/// <c>active</c>, or a checked member of the wrong JSON type: Unavailable (the server's answer is broken, not the token).
/// <c>active: false</c>: Invalid. <c>active: true</c>: Valid only if <c>aud</c> passes the audience rule, <c>iss</c> (when
/// present) is the issuer exactly and <c>exp</c> (when present) is in the future. The identity is read like a userinfo
/// answer; without <c>sub</c> (RFC 7662 makes it optional, e.g. client-credentials tokens) the subject is <c>client_id</c>.
/// </summary>
internal sealed class IntrospectionAnswer(IntrospectionOptions options, AudienceRule audience, TimeProvider time)
{
    public const string NotActive = "The access token is invalid, expired or revoked.";

    /// <summary>The outcome, and a short fixed-vocabulary reason for the log when it is not Valid.</summary>
    public (TokenCheckResult Result, string Reason) Read(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Broken("answer is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("active", out var active)
                || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Broken("answer is not a JSON object with a boolean active");
            }

            if (active.ValueKind == JsonValueKind.False)
            {
                return (TokenCheckResult.Invalid(NotActive), "not active");
            }

            if (root.TryGetProperty("iss", out var iss))
            {
                if (iss.ValueKind != JsonValueKind.String)
                {
                    return Broken("iss is not a string");
                }

                if (options.Issuer is null || !iss.ValueEquals(options.Issuer))
                {
                    return (TokenCheckResult.Invalid("The token was issued by another authorization server."), "wrong issuer");
                }
            }

            DateTimeOffset? expiresAt = null;
            if (root.TryGetProperty("exp", out var exp))
            {
                if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out double seconds))
                {
                    return Broken("exp is not a number");
                }

                expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)Math.Clamp(seconds, 0, 253402300799));
                if (expiresAt <= time.GetUtcNow())
                {
                    return (TokenCheckResult.Invalid("The token has expired."), "expired");
                }
            }

            if (Audiences(root) is not { } audiences)
            {
                return Broken("aud is neither a string nor an array of strings");
            }

            if (!audience.Accepts(audiences))
            {
                return (TokenCheckResult.Invalid(AudienceRule.Mismatch), audiences.Count == 0 ? "no audience" : "wrong audience");
            }

            return Identity(root, body, expiresAt);
        }
    }

    private (TokenCheckResult Result, string Reason) Identity(JsonElement root, ReadOnlyMemory<byte> body, DateTimeOffset? expiresAt)
    {
        bool hasSubject = root.TryGetProperty("sub", out var sub);
        if (hasSubject && sub.ValueKind != JsonValueKind.String)
        {
            return Broken("sub is not a string");
        }

        if (!hasSubject || sub.ValueEquals(""u8))
        {
            if (!root.TryGetProperty("client_id", out var clientId) || clientId.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(clientId.GetString()))
            {
                return (TokenCheckResult.Invalid("The token has no subject."), "neither sub nor client_id");
            }

            body = WithSubject(root, clientId.GetString()!);
        }

        // "active" is the protocol's, not the token's; exp is kept even when the server sends it as a fraction.
        var identity = IdentityJsonParser.Parse(body.Span, options.DefaultScopes, TokenSources.Introspection, ignoredMember: "active", hasExpiry: true, expiresAt: expiresAt);
        if (identity is null)
        {
            return Broken("answer could not be read as an identity");
        }

        return (TokenCheckResult.Valid(identity), "active");
    }

    // aud as RFC 7662 allows it: absent (no audiences), one string, or an array of strings; null when it is neither.
    private static List<string>? Audiences(JsonElement root)
    {
        if (!root.TryGetProperty("aud", out var aud) || aud.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            return [aud.GetString()!];
        }

        if (aud.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var audiences = new List<string>();
        foreach (var item in aud.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            audiences.Add(item.GetString()!);
        }

        return audiences;
    }

    // The answer with sub = client_id in front, so the one parser reads it (rare: client-credentials tokens only).
    private static byte[] WithSubject(JsonElement root, string subject)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sub", subject);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "sub")
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static (TokenCheckResult Result, string Reason) Broken(string reason) =>
        (TokenCheckResult.Unavailable("The authorization server could not be reached."), reason);
}

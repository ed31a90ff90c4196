using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace TokenValidation.Caching;

/// <summary>
/// The compact level-2 value (format 3 plain, 4 protected; after the format byte):
/// <c>kind</c> (0 Valid, 1 Invalid <c>invalid_token</c>, 2 Invalid <c>invalid_request</c>), the entry's expiry as
/// little-endian int64 UTC ticks, then for Invalid the description, and for Valid a flags byte (1 email, 2 name,
/// 4 token expiry), subject, source, [email], [name], [token expiry ticks], a varint count of scopes and the scopes, a
/// varint count of claims and each claim's type and value. A string is a varint byte count and its UTF-8 bytes. The
/// value must end exactly where the last field does; anything else is unreadable (a miss).
/// </summary>
internal static class CompactValueFormat
{
    private const byte KindValid = 0;
    private const byte KindInvalidToken = 1;
    private const byte KindInvalidRequest = 2;
    private const byte HasEmail = 1;
    private const byte HasName = 2;
    private const byte HasTokenExpiry = 4;
    private const string DefaultDescription = "The token is invalid.";

    private static readonly long MinTicks = DateTimeOffset.MinValue.UtcTicks;
    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;

    /// <summary>The value's size in bytes, without the format byte; <see langword="null"/> for an outcome never stored.</summary>
    public static int? Measure(CacheEntry entry)
    {
        var result = entry.Result;
        switch (result.Outcome)
        {
            case TokenValidationOutcome.Invalid:
                return 1 + 8 + StringSize(result.ErrorDescription ?? DefaultDescription);
            case TokenValidationOutcome.Valid when result.Identity is { } identity:
                int size = 1 + 8 + 1 + StringSize(identity.Subject) + StringSize(identity.Source);
                size += identity.Email is null ? 0 : StringSize(identity.Email);
                size += identity.Name is null ? 0 : StringSize(identity.Name);
                size += identity.ExpiresAt is null ? 0 : 8;
                size += VarIntSize(identity.Scopes.Count);
                foreach (var scope in identity.Scopes)
                {
                    size += StringSize(scope);
                }

                size += VarIntSize(identity.Claims.Count);
                foreach (var claim in identity.Claims)
                {
                    size += StringSize(claim.Type) + StringSize(claim.Value);
                }

                return size;
            default:
                return null;
        }
    }

    /// <summary>Writes <paramref name="entry"/> into <paramref name="destination"/>, exactly <see cref="Measure"/> bytes long.</summary>
    public static void Write(CacheEntry entry, Span<byte> destination)
    {
        var result = entry.Result;
        int at = 0;
        if (result.Identity is not { } identity)
        {
            destination[at++] = result.Error == TokenErrors.InvalidRequest ? KindInvalidRequest : KindInvalidToken;
            WriteInt64(destination, ref at, entry.ExpiresAt.UtcTicks);
            WriteString(destination, ref at, result.ErrorDescription ?? DefaultDescription);
            return;
        }

        destination[at++] = KindValid;
        WriteInt64(destination, ref at, entry.ExpiresAt.UtcTicks);
        destination[at++] = (byte)((identity.Email is null ? 0 : HasEmail) | (identity.Name is null ? 0 : HasName) | (identity.ExpiresAt is null ? 0 : HasTokenExpiry));
        WriteString(destination, ref at, identity.Subject);
        WriteString(destination, ref at, identity.Source);
        if (identity.Email is not null)
        {
            WriteString(destination, ref at, identity.Email);
        }

        if (identity.Name is not null)
        {
            WriteString(destination, ref at, identity.Name);
        }

        if (identity.ExpiresAt is { } tokenExpiry)
        {
            WriteInt64(destination, ref at, tokenExpiry.UtcTicks);
        }

        WriteVarInt(destination, ref at, identity.Scopes.Count);
        foreach (var scope in identity.Scopes)
        {
            WriteString(destination, ref at, scope);
        }

        WriteVarInt(destination, ref at, identity.Claims.Count);
        foreach (var claim in identity.Claims)
        {
            WriteString(destination, ref at, claim.Type);
            WriteString(destination, ref at, claim.Value);
        }
    }

    /// <summary>The entry in <paramref name="value"/>, or <see langword="null"/> when it is not exactly one readable value.</summary>
    public static CacheEntry? Read(ReadOnlySpan<byte> value) => Read(value, CacheValueSerializer.PlainEntry);

    /// <summary>As <see cref="Read(ReadOnlySpan{byte})"/>, the entry made by <paramref name="entry"/> from the answer and its expiry.</summary>
    public static CacheEntry? Read(ReadOnlySpan<byte> value, Func<TokenCheckResult, DateTimeOffset, CacheEntry> entry)
    {
        var reader = new Reader(value);
        if (!reader.TryByte(out byte kind) || !reader.TryTicks(out long expiresAt))
        {
            return null;
        }

        TokenCheckResult result;
        if (kind is KindInvalidToken or KindInvalidRequest)
        {
            if (!reader.TryString(out string? description))
            {
                return null;
            }

            result = kind == KindInvalidRequest ? TokenCheckResult.InvalidRequest(description) : TokenCheckResult.Invalid(description);
        }
        else if (kind != KindValid || ReadIdentity(ref reader) is not { } identity)
        {
            return null;
        }
        else
        {
            result = TokenCheckResult.Valid(identity);
        }

        return reader.AtEnd ? entry(result, new DateTimeOffset(expiresAt, TimeSpan.Zero)) : null;
    }

    private static TokenIdentity? ReadIdentity(ref Reader reader)
    {
        if (!reader.TryByte(out byte flags) || (flags & ~(HasEmail | HasName | HasTokenExpiry)) != 0
            || !reader.TryString(out string? subject) || subject.Length == 0
            || !reader.TrySource(out string? source) || source.Length == 0)
        {
            return null;
        }

        string? email = null;
        string? name = null;
        long? tokenExpiry = null;
        if (((flags & HasEmail) != 0 && !reader.TryString(out email))
            || ((flags & HasName) != 0 && !reader.TryString(out name)))
        {
            return null;
        }

        if ((flags & HasTokenExpiry) != 0)
        {
            if (!reader.TryTicks(out long ticks))
            {
                return null;
            }

            tokenExpiry = ticks;
        }

        if (!reader.TryCount(out int scopeCount))
        {
            return null;
        }

        string[] scopes = scopeCount == 0 ? [] : new string[scopeCount];
        for (int i = 0; i < scopes.Length; i++)
        {
            if (!reader.TryString(out string? scope))
            {
                return null;
            }

            scopes[i] = scope;
        }

        if (!reader.TryCount(out int claimCount))
        {
            return null;
        }

        TokenClaim[] claims = claimCount == 0 ? [] : new TokenClaim[claimCount];
        for (int i = 0; i < claims.Length; i++)
        {
            if (!reader.TryString(out string? type) || !reader.TryString(out string? value))
            {
                return null;
            }

            claims[i] = new TokenClaim(type, value);
        }

        return new TokenIdentity
        {
            Subject = subject,
            Email = email,
            Name = name,
            Scopes = scopes,
            Claims = claims,
            Source = source,
            ExpiresAt = tokenExpiry is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null,
        };
    }

    private static int StringSize(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        return VarIntSize(length) + length;
    }

    private static int VarIntSize(int value)
    {
        int size = 1;
        for (uint v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    private static void WriteInt64(Span<byte> destination, ref int at, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination[at..], value);
        at += 8;
    }

    private static void WriteVarInt(Span<byte> destination, ref int at, int value)
    {
        uint v = (uint)value;
        while (v >= 0x80)
        {
            destination[at++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[at++] = (byte)v;
    }

    private static void WriteString(Span<byte> destination, ref int at, string value)
    {
        WriteVarInt(destination, ref at, Encoding.UTF8.GetByteCount(value));
        at += Encoding.UTF8.GetBytes(value, destination[at..]);
    }

    /// <summary>Reads fields in order; every method fails (rather than throws) on a short, oversized or malformed field.</summary>
    private ref struct Reader(ReadOnlySpan<byte> value)
    {
        private ReadOnlySpan<byte> _rest = value;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool TryByte(out byte value)
        {
            if (_rest.IsEmpty)
            {
                value = 0;
                return false;
            }

            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool TryTicks(out long ticks)
        {
            if (!BinaryPrimitives.TryReadInt64LittleEndian(_rest, out ticks) || ticks < MinTicks || ticks > MaxTicks)
            {
                return false;
            }

            _rest = _rest[8..];
            return true;
        }

        // A count of items of at least one byte each, so a corrupt count cannot make us allocate more than the value holds.
        public bool TryCount(out int count) => TryVarInt(out count) && count <= _rest.Length;

        public bool TryString([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            if (!TryBytes(out var bytes))
            {
                value = null;
                return false;
            }

            value = bytes.IsEmpty ? "" : Encoding.UTF8.GetString(bytes);
            return true;
        }

        // The well-known sources come back as the library's own strings, so the common case allocates none.
        public bool TrySource([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            if (!TryBytes(out var bytes))
            {
                value = null;
                return false;
            }

            value = bytes.SequenceEqual("authkit"u8) ? TokenSources.AuthKit
                : bytes.SequenceEqual("jwt"u8) ? TokenSources.Jwt
                : bytes.SequenceEqual("introspection"u8) ? TokenSources.Introspection
                : bytes.SequenceEqual("api_key"u8) ? TokenSources.ApiKey
                : bytes.IsEmpty ? "" : Encoding.UTF8.GetString(bytes);
            return true;
        }

        private bool TryBytes(out ReadOnlySpan<byte> bytes)
        {
            if (!TryVarInt(out int length) || length > _rest.Length || !Utf8.IsValid(_rest[..length]))
            {
                bytes = default;
                return false;
            }

            bytes = _rest[..length];
            _rest = _rest[length..];
            return true;
        }

        private bool TryVarInt(out int value)
        {
            uint result = 0;
            for (int shift = 0, i = 0; i < 5 && i < _rest.Length; i++, shift += 7)
            {
                byte b = _rest[i];
                result |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    // Five bytes carry 35 bits: anything past int.MaxValue is corrupt, not a length.
                    if (result > int.MaxValue || (i == 4 && b > 0x07))
                    {
                        break;
                    }

                    _rest = _rest[(i + 1)..];
                    value = (int)result;
                    return true;
                }
            }

            value = 0;
            return false;
        }
    }
}

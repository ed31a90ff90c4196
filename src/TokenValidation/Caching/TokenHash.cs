using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace TokenValidation.Caching;

/// <summary>The SHA-256 of a token's bytes: the only form in which a token is ever used as a key.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct TokenHash : IEquatable<TokenHash>
{
    public const int Size = 32;
    private const int StackLimit = Parsing.BearerTokenReader.DefaultMaxTokenLength;

    private readonly ulong _a, _b, _c, _d;

    private TokenHash(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
    }

    public static TokenHash Compute(string token)
    {
        // Tokens that reach the cache are b64token characters, i.e. ASCII: one byte each, on the stack up to the default
        // maximum token length (a hosted AuthKit JWT is ~1 KB), so a hit allocates nothing.
        Span<byte> hash = stackalloc byte[Size];
        if (token.Length <= StackLimit)
        {
            Span<byte> ascii = stackalloc byte[token.Length];
            if (Ascii.FromUtf16(token, ascii, out int narrowed) == OperationStatus.Done)
            {
                SHA256.HashData(ascii[..narrowed], hash);
                return new TokenHash(hash);
            }
        }

        // Anything else (a longer limit, or InvalidateAsync with arbitrary text): its UTF-8 bytes, wiped afterwards.
        byte[] buffer = new byte[Encoding.UTF8.GetByteCount(token)];
        int written = Encoding.UTF8.GetBytes(token, buffer);
        SHA256.HashData(buffer.AsSpan(0, written), hash);
        CryptographicOperations.ZeroMemory(buffer);
        return new TokenHash(hash);
    }

    public static TokenHash FromBytes(ReadOnlySpan<byte> hash) => new(hash);

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>The first 8 hex digits: enough to correlate log lines, useless for finding the token.</summary>
    public string ToShortString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes[..4]);
    }

    public bool Equals(TokenHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is TokenHash other && Equals(other);

    // SHA-256 output is uniformly distributed: any 32 bits of it make a good hash code.
    public override int GetHashCode() => (int)_a;

    public override string ToString() => ToShortString();
}

using System.Collections.Concurrent;
using System.Text;

namespace TokenValidation.Caching;

/// <summary>
/// The short strings every cached identity repeats (scopes, claim types), kept once, so reading a level-2 value
/// allocates them only the first time. Bounded in count and length: issuers choose these strings, callers never do, and
/// past the bound a string is simply made afresh.
/// </summary>
internal sealed class SharedNames
{
    /// <summary>The longest name kept, in UTF-8 bytes.</summary>
    public const int MaxBytes = 64;

    private readonly ConcurrentDictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxEntries;
    private int _count;

    public SharedNames(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        _maxEntries = maxEntries;
        _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The pool level-2 reads use: 1,024 names at most (about 150 KB).</summary>
    public static SharedNames Process { get; } = new(1024);

    /// <summary>How many names are kept.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The string of <paramref name="utf8"/> (valid UTF-8), the kept instance when there is one.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (utf8.Length > MaxBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        // A UTF-8 byte never decodes to more than one UTF-16 char.
        Span<char> buffer = stackalloc char[MaxBytes];
        var chars = buffer[..Encoding.UTF8.GetChars(utf8, buffer)];
        if (_lookup.TryGetValue(chars, out var kept))
        {
            return kept;
        }

        string value = chars.ToString();
        if (Volatile.Read(ref _count) < _maxEntries && _pool.TryAdd(value, value))
        {
            Interlocked.Increment(ref _count);
        }

        return value;
    }
}

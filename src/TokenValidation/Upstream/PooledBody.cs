using System.Buffers;

namespace TokenValidation.Upstream;

/// <summary>An HTTP body in a buffer rented from the shared pool; <see cref="Dispose"/> returns it, once.</summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    /// <summary>The body's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>The body's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

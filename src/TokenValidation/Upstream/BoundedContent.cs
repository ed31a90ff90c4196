using System.Buffers;

namespace TokenValidation.Upstream;

/// <summary>Reads an HTTP body up to a size limit, so an issuer (or anything posing as one) cannot make us buffer gigabytes.</summary>
internal static class BoundedContent
{
    // The first buffer when the body's length is not announced: a userinfo or introspection answer fits.
    private const int UnannouncedInitialBytes = 4096;

    /// <summary>The body, or <see langword="null"/> when it is (or announces itself as) longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        using var body = await ReadPooledAsync(content, maxBytes, cancellationToken).ConfigureAwait(false);
        return body?.Span.ToArray();
    }

    /// <summary>
    /// As <see cref="ReadAsync"/>, into a buffer rented from the shared pool (the hot paths parse it once and dispose
    /// it), so a cache miss does not allocate the body.
    /// </summary>
    public static async ValueTask<PooledBody?> ReadPooledAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        long? announced = content.Headers.ContentLength;
        if (announced > maxBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(announced is { } n ? Math.Max((int)n, 1) : Math.Min(UnannouncedInitialBytes, maxBytes + 1));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    // One byte past the limit is enough to know the body is too long.
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var body = new PooledBody(buffer, length);
                    buffer = null!;
                    return body;
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

namespace TokenValidation.Upstream;

/// <summary>Reads an HTTP body up to a size limit, so an issuer (or anything posing as one) cannot make us buffer gigabytes.</summary>
internal static class BoundedContent
{
    /// <summary>The body, or <see langword="null"/> when it is (or announces itself as) longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream(content.Headers.ContentLength is { } length ? (int)length : 1024);
        var chunk = new byte[Math.Min(8192, maxBytes + 1)];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

using TokenValidation.Upstream;

namespace TokenValidation.Tests.Upstream;

/// <summary>Issuer answers are read up to a size limit, whether or not their length is announced (CONTRACT §5, §12).</summary>
public sealed class BoundedContentTests
{
    private const int Limit = 10_000;

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(4096, true)]
    [InlineData(4097, true)]
    [InlineData(Limit, true)]
    [InlineData(Limit + 1, false)]
    [InlineData(3 * Limit, false)]
    public async Task A_body_is_read_whole_up_to_the_limit_and_refused_past_it(int size, bool announced)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        foreach (var withLength in announced ? new[] { true, false } : [false])
        {
            using var content = Content(bytes, withLength);

            using var body = await BoundedContent.ReadPooledAsync(content, Limit, CancellationToken.None);

            if (size <= Limit)
            {
                Assert.Equal(bytes, body!.Span.ToArray());
            }
            else
            {
                Assert.Null(body);
            }
        }
    }

    [Fact]
    public async Task An_announced_length_past_the_limit_is_refused_before_reading()
    {
        var stream = new UnseekableStream(new byte[Limit + 1]);
        using var content = new StreamContent(stream);
        content.Headers.ContentLength = Limit + 1;

        Assert.Null(await BoundedContent.ReadPooledAsync(content, Limit, CancellationToken.None));
        Assert.Equal(0, stream.BytesRead);
    }

    [Fact]
    public async Task The_array_form_returns_a_copy_that_outlives_the_pooled_buffer()
    {
        using var content = Content([1, 2, 3], withLength: false);

        var bytes = await BoundedContent.ReadAsync(content, Limit, CancellationToken.None);

        Assert.Equal([1, 2, 3], bytes);
    }

    private static HttpContent Content(byte[] bytes, bool withLength)
    {
        var content = new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentLength = withLength ? bytes.Length : null;
        return content;
    }

    // No length of its own, handing out at most 1,000 bytes per read, as a chunked response does.
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public int BytesRead { get; private set; }

        public override bool CanSeek => false;

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, Math.Min(count, 1000)));

        public override int Read(Span<byte> buffer) => Count(base.Read(buffer[..Math.Min(buffer.Length, 1000)]));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}

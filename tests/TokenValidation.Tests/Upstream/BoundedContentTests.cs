using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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

    [Theory]
    [InlineData(4097)]
    [InlineData(20_000)]
    public async Task A_body_delivered_in_reads_that_fill_each_buffer_is_read_whole_byte_for_byte(int size)
    {
        // Random bytes, so a buffer the pool hands out again cannot hold the right ones by chance; a plain MemoryStream
        // fills every buffer it is given, as a fast local connection does.
        var bytes = RandomNumberGenerator.GetBytes(size);
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentLength = null;

        using var body = await BoundedContent.ReadPooledAsync(content, 64 * 1024, CancellationToken.None);

        Assert.Equal(bytes, body!.Span.ToArray());
    }

    [Theory]
    [InlineData(8192, true)]
    [InlineData(8193, false)]
    public async Task A_limit_of_a_power_of_two_reads_a_body_of_exactly_that_size_and_refuses_one_byte_more(int size, bool read)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentLength = null;

        using var body = await BoundedContent.ReadPooledAsync(content, 8192, CancellationToken.None);

        Assert.Equal(read ? bytes : null, body?.Span.ToArray());
    }

    [Fact]
    public async Task A_one_byte_limit_reads_a_one_byte_body_and_refuses_two()
    {
        using var one = Content([42], withLength: false);
        using var two = Content([42, 43], withLength: false);

        using var body = await BoundedContent.ReadPooledAsync(one, 1, CancellationToken.None);

        Assert.Equal([42], body!.Span.ToArray());
        Assert.Null(await BoundedContent.ReadPooledAsync(two, 1, CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_a_body_gives_its_buffer_back_to_the_shared_pool_once()
    {
        using var content = Content(RandomNumberGenerator.GetBytes(100), withLength: true);
        var body = await BoundedContent.ReadPooledAsync(content, Limit, CancellationToken.None);
        Assert.True(MemoryMarshal.TryGetArray(body!.Memory, out var segment));
        var buffer = segment.Array!;
        // Empty this thread's slot for the buffer's size, so the one given back is the next one handed out.
        var occupant = ArrayPool<byte>.Shared.Rent(buffer.Length);

        body.Dispose();
        body.Dispose();
        var next = ArrayPool<byte>.Shared.Rent(buffer.Length);
        var after = ArrayPool<byte>.Shared.Rent(buffer.Length);

        Assert.Same(buffer, next);
        Assert.NotSame(buffer, after);
        Assert.Throws<ObjectDisposedException>(() => body.Memory);
        ArrayPool<byte>.Shared.Return(occupant);
        ArrayPool<byte>.Shared.Return(next);
        ArrayPool<byte>.Shared.Return(after);
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

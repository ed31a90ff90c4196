using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TokenValidation.Testing;

/// <summary>An error reply (<c>-ERR …</c>) from Redis.</summary>
public sealed class RespErrorException(string message) : Exception(message);

/// <summary>
/// A tiny RESP2 client over a raw socket, one connection per command: enough for tests to inspect, plant and
/// corrupt values without depending on a Redis client library.
/// </summary>
public static class RespClient
{
    /// <summary>
    /// Sends one command and reads its reply. Arguments are <see cref="string"/> (UTF-8), <see cref="byte"/>[]
    /// or anything formattable (invariant culture). Replies: simple string → <see cref="string"/>,
    /// integer → <see cref="long"/>, bulk → <see cref="byte"/>[] (null for nil), array → <see cref="object"/>?[].
    /// </summary>
    /// <param name="port">Port on 127.0.0.1.</param>
    /// <param name="timeout">Overall limit for connect, write and read.</param>
    /// <param name="args">The command and its arguments.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="RespErrorException">Redis answered an error.</exception>
    public static async Task<object?> ExecuteAsync(int port, TimeSpan timeout, params object[] args)
    {
        ArgumentOutOfRangeException.ThrowIfZero(args.Length);
        using var cts = new CancellationTokenSource(timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encode(args), cts.Token).ConfigureAwait(false);
            return await new Reader(stream).ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Redis on port {port} did not answer {args[0]} within {timeout}.");
        }
    }

    private static byte[] Encode(object[] args)
    {
        using var buffer = new MemoryStream();
        void Write(string text) => buffer.Write(Encoding.UTF8.GetBytes(text));

        Write($"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            var bytes = arg switch
            {
                byte[] raw => raw,
                string text => Encoding.UTF8.GetBytes(text),
                IFormattable formattable => Encoding.UTF8.GetBytes(formattable.ToString(null, CultureInfo.InvariantCulture)),
                _ => Encoding.UTF8.GetBytes(arg.ToString() ?? string.Empty),
            };
            Write($"${bytes.Length}\r\n");
            buffer.Write(bytes);
            Write("\r\n");
        }

        return buffer.ToArray();
    }

    private sealed class Reader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _position;
        private int _length;

        public async Task<object?> ReadAsync(CancellationToken cancellationToken)
        {
            var type = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            switch ((char)type)
            {
                case '+':
                    return line;
                case '-':
                    throw new RespErrorException(line);
                case ':':
                    return long.Parse(line, CultureInfo.InvariantCulture);
                case '$':
                {
                    var length = int.Parse(line, CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return null;
                    }

                    var bytes = new byte[length];
                    for (var i = 0; i < length; i++)
                    {
                        bytes[i] = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await ReadLineAsync(cancellationToken).ConfigureAwait(false); // trailing CRLF
                    return bytes;
                }

                case '*':
                {
                    var count = int.Parse(line, CultureInfo.InvariantCulture);
                    if (count < 0)
                    {
                        return null;
                    }

                    var items = new object?[count];
                    for (var i = 0; i < count; i++)
                    {
                        items[i] = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return items;
                }

                default:
                    throw new InvalidDataException($"Unexpected RESP type byte 0x{type:x2}.");
            }
        }

        private async ValueTask<byte> ReadByteAsync(CancellationToken cancellationToken)
        {
            if (_position == _length)
            {
                _length = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                _position = 0;
                if (_length == 0)
                {
                    throw new EndOfStreamException("Redis closed the connection.");
                }
            }

            return _buffer[_position++];
        }

        private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                var b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
                if (b == '\r')
                {
                    var next = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
                    if (next != '\n')
                    {
                        throw new InvalidDataException("Malformed RESP line.");
                    }

                    return Encoding.UTF8.GetString(line.ToArray());
                }

                line.Add(b);
            }
        }
    }
}

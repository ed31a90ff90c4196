using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace TokenValidation.Testing;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, with no persistence. It can be stopped and started
/// again on the same port (to test "Redis killed, then back"), suspended (SIGSTOP: a Redis that accepts
/// connections but never answers), and inspected through a StackExchange.Redis connection of its own.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);
    private static readonly ConcurrentDictionary<RedisServer, byte> Live = new();

    private readonly string _executable;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _connectionGate = new(1, 1);
    private ConnectionMultiplexer? _connection;
    private Process? _process;
    private bool _disposed;

    static RedisServer()
    {
        // Do not leave redis-server processes behind when the test host exits without disposing.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Live.Keys)
            {
                server.Kill();
            }
        };
    }

    private RedisServer(string executable, int port)
    {
        _executable = executable;
        Port = port;
        _directory = Directory.CreateTempSubdirectory("tv-redis-").FullName;
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, a StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process id while running.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Full path of <c>redis-server</c> on PATH.</summary>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidOperationException">It is not installed, with what to do about it.</exception>
    public static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server is not on PATH. Run ./test.sh from the repository root (it installs it), " +
            "or install it yourself: apt-get update && apt-get install -y redis-server");
    }

    /// <summary>Starts a new server on a free loopback port and waits until it answers PING.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The running server.</returns>
    public static async Task<RedisServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var server = new RedisServer(executable, LoopbackPorts.FreeTcpPort());
            try
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Most likely another process took the port between picking and binding it: try another.
                last = ex;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException("Could not start redis-server.", last);
    }

    /// <summary>Starts the process on <see cref="Port"/> (again, after <see cref="StopAsync"/>) and waits until it
    /// answers PING. Does nothing if it is running. The data set starts empty.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsRunning)
            {
                return;
            }

            _output.Clear();
            var info = new ProcessStartInfo(_executable)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                WorkingDirectory = _directory,
            };
            foreach (var arg in new[]
                     {
                         "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                         "--bind", "127.0.0.1",
                         "--save", string.Empty,
                         "--appendonly", "no",
                         "--daemonize", "no",
                         "--dir", _directory,
                         "--loglevel", "warning",
                     })
            {
                info.ArgumentList.Add(arg);
            }

            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => Remember(e.Data);
            process.ErrorDataReceived += (_, e) => Remember(e.Data);
            if (!process.Start())
            {
                throw new InvalidOperationException($"Could not start {_executable}.");
            }

            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            Live[this] = 0;

            var deadline = Stopwatch.StartNew();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"redis-server on port {Port} exited with code {process.ExitCode}: {Output()}");
                }

                // A plain TCP probe first: a refused connection is known at once, a Redis client would wait its timeout.
                if (await AcceptsConnectionsAsync().ConfigureAwait(false) && await TryPingAsync().ConfigureAwait(false))
                {
                    return;
                }

                if (deadline.Elapsed > ReadyTimeout)
                {
                    KillLocked();
                    throw new TimeoutException($"redis-server on port {Port} did not answer PING within {ReadyTimeout}: {Output()}");
                }

                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the process (SIGKILL, as a crash would) and waits for it to exit. Clients see their
    /// connections reset; new connections are refused until <see cref="StartAsync"/>.</summary>
    /// <returns>A task.</returns>
    public async Task StopAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var process = _process;
            if (process is null)
            {
                return;
            }

            KillLocked();
            await process.WaitForExitAsync().ConfigureAwait(false);
            await DropConnectionAsync().ConfigureAwait(false);
            process.Dispose();
            _process = null;
            Live.TryRemove(this, out _);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Freezes the process (SIGSTOP): connections stay open and new ones are accepted by the kernel, but
    /// nothing is answered — a hung Redis. Undo with <see cref="Resume"/>.</summary>
    public void Suspend() => Signal(SigStop);

    /// <summary>Resumes a process frozen by <see cref="Suspend"/> (SIGCONT).</summary>
    public void Resume() => Signal(SigCont);

    /// <summary>
    /// The database of a StackExchange.Redis connection for direct commands (plant, corrupt, inspect values). The
    /// connection is made on first use, fails fast when the server is down, and is dropped by <see cref="StopAsync"/>.
    /// </summary>
    /// <returns>Database 0.</returns>
    public async Task<IDatabase> GetDatabaseAsync()
    {
        await _connectionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is not { IsConnected: true })
            {
                _connection?.Dispose();
                _connection = null;
                _connection = await ConnectAsync(ConnectTimeout, CommandTimeout).ConfigureAwait(false);
            }

            return _connection.GetDatabase();
        }
        finally
        {
            _connectionGate.Release();
        }
    }

    /// <summary>Sends one command through <see cref="GetDatabaseAsync"/>.</summary>
    /// <param name="command">The command, such as <c>HGETALL</c>.</param>
    /// <param name="args">Its arguments (strings, byte arrays, numbers).</param>
    /// <returns>The reply.</returns>
    /// <exception cref="RedisServerException">Redis answered an error.</exception>
    public async Task<RedisResult> ExecuteAsync(string command, params object[] args)
    {
        var database = await GetDatabaseAsync().ConfigureAwait(false);
        return await database.ExecuteAsync(command, args).ConfigureAwait(false);
    }

    /// <summary><c>FLUSHALL</c>.</summary>
    /// <returns>A task.</returns>
    public Task FlushAllAsync() => ExecuteAsync("FLUSHALL");

    /// <summary><c>GET key</c>: the raw bytes of a string value, or null.</summary>
    /// <param name="key">The full Redis key (including any instance prefix).</param>
    /// <returns>The value.</returns>
    public async Task<byte[]?> GetRawAsync(string key)
    {
        var database = await GetDatabaseAsync().ConfigureAwait(false);
        return await database.StringGetAsync(key).ConfigureAwait(false);
    }

    /// <summary><c>SET key value [PX ms]</c>.</summary>
    /// <param name="key">The full Redis key.</param>
    /// <param name="value">Raw bytes.</param>
    /// <param name="expiry">Optional time to live.</param>
    /// <returns>A task.</returns>
    public async Task SetRawAsync(string key, byte[] value, TimeSpan? expiry = null)
    {
        var database = await GetDatabaseAsync().ConfigureAwait(false);
        await (expiry is { } ttl ? database.StringSetAsync(key, value, ttl) : database.StringSetAsync(key, value)).ConfigureAwait(false);
    }

    /// <summary><c>HGETALL key</c>: every field of a hash (how <c>AddStackExchangeRedisCache</c> stores an entry).</summary>
    /// <param name="key">The full Redis key.</param>
    /// <returns>Field name to raw value; empty when the key is missing.</returns>
    public async Task<IReadOnlyDictionary<string, byte[]>> HashGetAllAsync(string key)
    {
        var database = await GetDatabaseAsync().ConfigureAwait(false);
        var entries = await database.HashGetAllAsync(key).ConfigureAwait(false);
        return entries.ToDictionary(e => (string)e.Name!, e => (byte[])e.Value!, StringComparer.Ordinal);
    }

    /// <summary><c>KEYS pattern</c>.</summary>
    /// <param name="pattern">Glob pattern.</param>
    /// <returns>The matching keys, sorted.</returns>
    public async Task<string[]> KeysAsync(string pattern = "*")
    {
        var reply = await ExecuteAsync("KEYS", pattern).ConfigureAwait(false);
        return [.. ((string?[]?)reply ?? []).Select(k => k!).Order(StringComparer.Ordinal)];
    }

    /// <summary><c>PTTL key</c>: milliseconds left, -1 without expiry, -2 when missing.</summary>
    /// <param name="key">The full Redis key.</param>
    /// <returns>The TTL.</returns>
    public async Task<long> PttlAsync(string key) => (long)await ExecuteAsync("PTTL", key).ConfigureAwait(false);

    /// <summary>Whether the server answers PING on a new connection now (within half a second).</summary>
    /// <returns>True on PONG.</returns>
    public async Task<bool> TryPingAsync()
    {
        var limit = TimeSpan.FromMilliseconds(500);
        var connect = ConnectAsync(limit, limit);
        try
        {
            using var connection = await connect.WaitAsync(limit).ConfigureAwait(false);
            await connection.GetDatabase().PingAsync().WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or SocketException)
        {
            // A connect abandoned by WaitAsync may still complete later: do not leak it.
            _ = connect.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Dispose();
                    }
                    else
                    {
                        _ = t.Exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return false;
        }
    }

    /// <summary>Kills the process and deletes its working directory.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _disposed = true;
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task<ConnectionMultiplexer> ConnectAsync(TimeSpan connectTimeout, TimeSpan commandTimeout) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, Port } },
            AbortOnConnectFail = true,
            AllowAdmin = true,
            ConnectRetry = 1,
            ConnectTimeout = (int)connectTimeout.TotalMilliseconds,
            SyncTimeout = (int)commandTimeout.TotalMilliseconds,
            AsyncTimeout = (int)commandTimeout.TotalMilliseconds,
            // Direct commands must say at once that the server is down, not queue until it is back.
            BacklogPolicy = BacklogPolicy.FailFast,
        });

    private async Task<bool> AcceptsConnectionsAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port)).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task DropConnectionAsync()
    {
        await _connectionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is { } connection)
            {
                _connection = null;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _connectionGate.Release();
        }
    }

    private const int SigStop = 19;
    private const int SigCont = 18;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private void Signal(int signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Suspend/Resume use Linux signal numbers.");
        }

        if (SysKill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private void Kill()
    {
        try
        {
            KillLocked();
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void KillLocked()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 50 && _output.TryDequeue(out _))
        {
        }
    }

    private string Output() => string.Join(Environment.NewLine, _output);
}

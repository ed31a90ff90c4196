using Xunit;

namespace TokenValidation.Testing;

/// <summary>
/// xunit fixture (class or collection) owning one <see cref="RedisServer"/> for the tests that share it.
/// Tests that stop or suspend Redis should start their own <see cref="RedisServer"/> instead.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The server (available after <see cref="InitializeAsync"/>).</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>The port.</summary>
    public int Port => Server.Port;

    /// <summary>Starts redis-server.</summary>
    /// <returns>A task.</returns>
    public async Task InitializeAsync() => _server = await RedisServer.StartNewAsync().ConfigureAwait(false);

    /// <summary>Kills redis-server.</summary>
    /// <returns>A task.</returns>
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="RedisServer.StopAsync"/>
    public Task StopAsync() => Server.StopAsync();

    /// <inheritdoc cref="RedisServer.StartAsync"/>
    public Task StartAsync() => Server.StartAsync();

    /// <inheritdoc cref="RedisServer.FlushAllAsync"/>
    public Task FlushAllAsync() => Server.FlushAllAsync();

    /// <inheritdoc cref="RedisServer.GetRawAsync"/>
    public Task<byte[]?> GetRawAsync(string key) => Server.GetRawAsync(key);

    /// <inheritdoc cref="RedisServer.SetRawAsync"/>
    public Task SetRawAsync(string key, byte[] value, TimeSpan? expiry = null) => Server.SetRawAsync(key, value, expiry);

    /// <inheritdoc cref="RedisServer.HashGetAllAsync"/>
    public Task<IReadOnlyDictionary<string, byte[]>> HashGetAllAsync(string key) => Server.HashGetAllAsync(key);

    /// <inheritdoc cref="RedisServer.GetDatabaseAsync"/>
    public Task<StackExchange.Redis.IDatabase> GetDatabaseAsync() => Server.GetDatabaseAsync();

    /// <inheritdoc cref="RedisServer.KeysAsync"/>
    public Task<string[]> KeysAsync(string pattern = "*") => Server.KeysAsync(pattern);
}

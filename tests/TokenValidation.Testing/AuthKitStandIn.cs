using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) standing in for AuthKit: <c>GET /oauth/userinfo</c>,
/// <c>/.well-known/oauth-authorization-server</c>, <c>/.well-known/openid-configuration</c> and
/// <c>/oauth2/jwks</c>. Tokens are registered with <see cref="AddUser"/>; failures are programmed per test.
/// </summary>
/// <remarks>
/// Order of decisions for each userinfo request: a pending <see cref="FailNext"/> count first, then
/// <see cref="Behavior"/> when set, else <see cref="DefaultUserInfoAsync"/>.
/// </remarks>
public sealed class AuthKitStandIn : IAsyncDisposable
{
    /// <summary>The path of the userinfo endpoint.</summary>
    public const string UserInfoPath = "/oauth/userinfo";

    private static readonly byte[] InvalidTokenBody = """{"error":"invalid_token","error_description":"The access token is invalid or expired."}"""u8.ToArray();

    private readonly ConcurrentDictionary<string, byte[]> _users = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private LoopbackServer? _server;
    private volatile Func<HttpContext, Task>? _behavior;
    private volatile Func<HttpContext, Task>? _metadataBehavior;
    private volatile string? _lastAuthorization;
    private volatile string[] _scopesSupported = ["email", "offline_access", "openid", "profile"];
    private int _userInfoCalls;
    private int _metadataCalls;
    private int _inFlight;
    private int _maxInFlight;
    private int _failNextCount;
    private int _failNextStatus;
    private int _disposed;

    private AuthKitStandIn()
    {
    }

    /// <summary>The base address, <c>http://127.0.0.1:PORT/</c>. Note <see cref="Uri.ToString"/> adds a trailing
    /// slash: use <see cref="Authority"/> where the exact string matters.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:PORT</c>, no trailing slash: exactly the metadata's <c>issuer</c>.</summary>
    public string Authority { get; private set; } = null!;

    /// <summary>The bound port.</summary>
    public int Port { get; private set; }

    /// <summary><see cref="Authority"/> + <c>/oauth/userinfo</c>.</summary>
    public Uri UserInfoEndpoint => new(Authority + UserInfoPath);

    /// <summary>Number of userinfo requests received since start or <see cref="ResetCounts"/>.</summary>
    public int UserInfoCalls => Volatile.Read(ref _userInfoCalls);

    /// <summary>Userinfo requests being handled right now.</summary>
    public int CurrentInFlight => Volatile.Read(ref _inFlight);

    /// <summary>High-water mark of simultaneous in-flight userinfo requests.</summary>
    public int MaxConcurrentUserInfoCalls => Volatile.Read(ref _maxInFlight);

    /// <summary>Number of metadata document requests (both well-known paths).</summary>
    public int MetadataCalls => Volatile.Read(ref _metadataCalls);

    /// <summary>The <c>Authorization</c> header of the last userinfo request (null when it had none).</summary>
    public string? LastAuthorization => _lastAuthorization;

    /// <summary>Overrides the userinfo answer (null: <see cref="DefaultUserInfoAsync"/>).</summary>
    public Func<HttpContext, Task>? Behavior
    {
        get => _behavior;
        set => _behavior = value;
    }

    /// <summary>Overrides the metadata answer (null: the standard document). Calls are still counted.</summary>
    public Func<HttpContext, Task>? MetadataBehavior
    {
        get => _metadataBehavior;
        set => _metadataBehavior = value;
    }

    /// <summary><c>scopes_supported</c> in the metadata document.</summary>
    public IReadOnlyList<string> ScopesSupported
    {
        get => _scopesSupported;
        set => _scopesSupported = [.. value];
    }

    /// <summary>Cancelled when the stand-in is being disposed; handlers that wait should honour it.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts Kestrel on <c>http://127.0.0.1:0</c> and reads back the bound port.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The running stand-in.</returns>
    public static async Task<AuthKitStandIn> StartAsync(CancellationToken cancellationToken = default)
    {
        var standIn = new AuthKitStandIn();
        var server = await LoopbackServer.StartAsync(typeof(AuthKitStandIn).Assembly.GetName().Name!, standIn.HandleAsync, cancellationToken).ConfigureAwait(false);
        standIn._server = server;
        standIn.Port = server.Port;
        standIn.Authority = server.Origin;
        standIn.BaseAddress = new Uri(standIn.Authority);
        return standIn;
    }

    /// <summary>
    /// Registers a valid token. Userinfo then answers 200 <c>{"sub":..,"email":..,"name":.., ...extra}</c>
    /// (null email/name are omitted; <paramref name="extra"/>'s fields are merged last and win on conflicts,
    /// so <c>new { sub = 42 }</c> makes a malformed answer).
    /// </summary>
    /// <param name="token">The bearer token.</param>
    /// <param name="sub">The subject.</param>
    /// <param name="email">Optional email.</param>
    /// <param name="name">Optional name.</param>
    /// <param name="extra">Extra fields: an anonymous object, dictionary, <see cref="JsonElement"/> or <see cref="JsonObject"/>.</param>
    public void AddUser(string token, string sub, string? email = null, string? name = null, object? extra = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        var json = new JsonObject { ["sub"] = sub };
        if (email is not null)
        {
            json["email"] = email;
        }

        if (name is not null)
        {
            json["name"] = name;
        }

        if (extra is not null)
        {
            var element = extra as JsonElement? ?? JsonSerializer.SerializeToElement(extra, extra.GetType());
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("extra must serialize to a JSON object.", nameof(extra));
            }

            foreach (var property in element.EnumerateObject())
            {
                json[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }

        _users[token] = JsonSerializer.SerializeToUtf8Bytes(json);
    }

    /// <summary>Forgets a token (it becomes invalid: 401).</summary>
    /// <param name="token">The bearer token.</param>
    /// <returns>Whether it was registered.</returns>
    public bool RemoveUser(string token) => _users.TryRemove(token, out _);

    /// <summary>Zeroes the counters (the concurrency high-water mark restarts from the current in-flight count)
    /// and forgets <see cref="LastAuthorization"/>.</summary>
    public void ResetCounts()
    {
        Interlocked.Exchange(ref _userInfoCalls, 0);
        Interlocked.Exchange(ref _metadataCalls, 0);
        Interlocked.Exchange(ref _maxInFlight, Volatile.Read(ref _inFlight));
        _lastAuthorization = null;
    }

    /// <summary>Back to default behaviour: clears <see cref="Behavior"/>, <see cref="MetadataBehavior"/> and any
    /// pending <see cref="FailNext"/>.</summary>
    public void ResetBehavior()
    {
        _behavior = null;
        _metadataBehavior = null;
        Interlocked.Exchange(ref _failNextCount, 0);
    }

    /// <summary>Every userinfo request answers this (after an optional delay).</summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="body">Body, or null for none.</param>
    /// <param name="contentType">Content type of the body.</param>
    /// <param name="delay">Wait this long first (abandoned if the client goes away).</param>
    /// <param name="headers">Extra response headers.</param>
    public void RespondWith(
        int status,
        string? body = null,
        string contentType = "application/json",
        TimeSpan? delay = null,
        IDictionary<string, string>? headers = null)
    {
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        var headerCopy = headers is null ? null : new Dictionary<string, string>(headers);
        Behavior = async context =>
        {
            if (delay is { } wait && !await DelayAsync(context, wait).ConfigureAwait(false))
            {
                return;
            }

            context.Response.StatusCode = status;
            if (headerCopy is not null)
            {
                foreach (var (name, value) in headerCopy)
                {
                    context.Response.Headers[name] = value;
                }
            }

            if (bytes is not null)
            {
                context.Response.ContentType = contentType;
                context.Response.ContentLength = bytes.Length;
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            }
        };
    }

    /// <summary>Userinfo never answers: the request is held until the client aborts it (or the stand-in stops,
    /// which aborts the connection).</summary>
    public void Hang() => Behavior = async context =>
    {
        if (await DelayAsync(context, Timeout.InfiniteTimeSpan).ConfigureAwait(false))
        {
            context.Abort();
        }
    };

    /// <summary>Userinfo waits <paramref name="delay"/>, then answers as by default.</summary>
    /// <param name="delay">The delay.</param>
    public void Slow(TimeSpan delay) => Behavior = async context =>
    {
        if (await DelayAsync(context, delay).ConfigureAwait(false))
        {
            await DefaultUserInfoAsync(context).ConfigureAwait(false);
        }
    };

    /// <summary>The next <paramref name="count"/> userinfo requests answer <paramref name="status"/> with an empty
    /// body; later ones go back to <see cref="Behavior"/> (default when null).</summary>
    /// <param name="count">How many requests fail.</param>
    /// <param name="status">The status they answer.</param>
    public void FailNext(int count, int status)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Volatile.Write(ref _failNextStatus, status);
        Interlocked.Exchange(ref _failNextCount, count);
    }

    /// <summary>Userinfo aborts the connection without answering (<see cref="HttpContext.Abort"/>).</summary>
    public void CloseConnection() => Behavior = context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    /// <summary>Userinfo answers 200 with a JSON object of exactly <paramref name="bytes"/> bytes (when that is at
    /// least its 28-byte skeleton): <c>{"sub":"usr_large","pad":"xxx…"}</c>.</summary>
    /// <param name="bytes">Total body size.</param>
    /// <param name="chunked">Send without Content-Length (chunked) so the size is only known by reading.</param>
    public void RespondWithLargeBody(int bytes, bool chunked = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var prefix = "{\"sub\":\"usr_large\",\"pad\":\""u8.ToArray();
        const string tail = "\"}";
        var padLength = Math.Max(0, bytes - prefix.Length - tail.Length);
        var body = new byte[prefix.Length + padLength + tail.Length];
        prefix.CopyTo(body, 0);
        body.AsSpan(prefix.Length, padLength).Fill((byte)'x');
        Encoding.ASCII.GetBytes(tail).CopyTo(body, prefix.Length + padLength);

        Behavior = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            if (!chunked)
            {
                context.Response.ContentLength = body.Length;
            }

            const int chunk = 16 * 1024;
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                var length = Math.Min(chunk, body.Length - offset);
                await context.Response.Body.WriteAsync(body.AsMemory(offset, length), context.RequestAborted).ConfigureAwait(false);
                if (chunked)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }
        };
    }

    /// <summary>The default userinfo answer: 200 with the registered user's JSON for a known
    /// <c>Authorization: Bearer</c> token, else 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>.
    /// Public so a custom <see cref="Behavior"/> can fall back to it.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task.</returns>
    public async Task DefaultUserInfoAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = ReadBearer(context.Request);
        if (token is not null && _users.TryGetValue(token, out var user))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = user.Length;
            await context.Response.Body.WriteAsync(user, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = InvalidTokenBody.Length;
        await context.Response.Body.WriteAsync(InvalidTokenBody, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stops Kestrel (aborting held requests) and releases it.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static string? ReadBearer(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count != 1)
        {
            return null;
        }

        var header = values[0];
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Waits, returning false (without throwing) when the client aborted or the stand-in is stopping.</summary>
    private async Task<bool> DelayAsync(HttpContext context, TimeSpan delay)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(delay, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return false;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var method = context.Request.Method;
        var readMethod = HttpMethods.IsGet(method) || HttpMethods.IsPost(method);

        if (path == UserInfoPath && readMethod)
        {
            await HandleUserInfoAsync(context).ConfigureAwait(false);
        }
        else if (path is "/.well-known/oauth-authorization-server" or "/.well-known/openid-configuration"
                 && HttpMethods.IsGet(method))
        {
            Interlocked.Increment(ref _metadataCalls);
            var behavior = _metadataBehavior;
            await (behavior is null ? WriteMetadataAsync(context) : behavior(context)).ConfigureAwait(false);
        }
        else if (path == "/oauth2/jwks" && HttpMethods.IsGet(method))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"keys":[]}""", context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task HandleUserInfoAsync(HttpContext context)
    {
        Interlocked.Increment(ref _userInfoCalls);
        var now = Interlocked.Increment(ref _inFlight);
        var max = Volatile.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }

        try
        {
            var authorization = context.Request.Headers.Authorization;
            _lastAuthorization = authorization.Count == 0 ? null : authorization.ToString();

            if (TryTakeFailure(out var status))
            {
                context.Response.StatusCode = status;
                return;
            }

            var behavior = _behavior;
            await (behavior is null ? DefaultUserInfoAsync(context) : behavior(context)).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private bool TryTakeFailure(out int status)
    {
        status = 0;
        var remaining = Volatile.Read(ref _failNextCount);
        while (remaining > 0)
        {
            var seen = Interlocked.CompareExchange(ref _failNextCount, remaining - 1, remaining);
            if (seen == remaining)
            {
                status = Volatile.Read(ref _failNextStatus);
                return true;
            }

            remaining = seen;
        }

        return false;
    }

    private Task WriteMetadataAsync(HttpContext context)
    {
        var authority = Authority;
        var document = new JsonObject
        {
            ["issuer"] = authority,
            ["authorization_endpoint"] = authority + "/oauth2/authorize",
            ["token_endpoint"] = authority + "/oauth2/token",
            ["userinfo_endpoint"] = authority + UserInfoPath,
            ["registration_endpoint"] = authority + "/oauth2/register",
            ["jwks_uri"] = authority + "/oauth2/jwks",
            ["introspection_endpoint"] = authority + "/oauth2/introspection",
            ["scopes_supported"] = ToArray(_scopesSupported),
            ["response_types_supported"] = ToArray(["code"]),
            ["response_modes_supported"] = ToArray(["query"]),
            ["grant_types_supported"] = ToArray(["authorization_code", "refresh_token"]),
            ["token_endpoint_auth_methods_supported"] = ToArray(["none", "client_secret_post", "client_secret_basic"]),
            ["code_challenge_methods_supported"] = ToArray(["S256"]),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();

        static JsonArray ToArray(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
    }
}

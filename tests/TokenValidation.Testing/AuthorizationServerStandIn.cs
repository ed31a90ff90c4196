using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenValidation.Testing;

/// <summary>
/// A standard OAuth authorization server on real Kestrel (loopback, free port) for tests: RFC 8414 metadata (at the
/// path-inserted address) and OpenID discovery, a JWKS with RS256 and ES256 keys that can rotate, RFC 9068 JWT access
/// tokens minted on demand, and an RFC 7662 introspection endpoint with client authentication. Counts every call.
/// </summary>
public sealed class AuthorizationServerStandIn : IAsyncDisposable
{
    /// <summary>The client id the introspection endpoint accepts.</summary>
    public const string ClientId = "resource-server";

    /// <summary>The client secret the introspection endpoint accepts.</summary>
    public const string ClientSecret = "s3cret-for-introspection";

    private readonly ConcurrentDictionary<string, JsonObject> _introspection = new(StringComparer.Ordinal);
    private readonly List<SigningKey> _keys = [];
    private readonly Lock _keysGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private LoopbackServer? _server;
    private int _disposed;
    private int _generation;
    private int _metadataCalls, _openIdCalls, _jwksCalls, _introspectionCalls;

    private AuthorizationServerStandIn()
    {
    }

    /// <summary>The issuer: <c>http://127.0.0.1:{port}{path}</c>, exactly as tokens and metadata spell it.</summary>
    public string Issuer { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public string Origin { get; private set; } = null!;

    /// <summary>The JWKS URL the metadata names.</summary>
    public string JwksUri => Origin + "/jwks";

    /// <summary>The introspection endpoint the metadata names.</summary>
    public string IntrospectionEndpoint => Origin + "/introspect";

    /// <summary>Calls to the RFC 8414 metadata document.</summary>
    public int MetadataCalls => Volatile.Read(ref _metadataCalls);

    /// <summary>Calls to the OpenID discovery document.</summary>
    public int OpenIdConfigurationCalls => Volatile.Read(ref _openIdCalls);

    /// <summary>Calls to the JWKS.</summary>
    public int JwksCalls => Volatile.Read(ref _jwksCalls);

    /// <summary>Calls to the introspection endpoint.</summary>
    public int IntrospectionCalls => Volatile.Read(ref _introspectionCalls);

    /// <summary>Whether the RFC 8414 document is served (else 404, so clients fall back to OpenID discovery).</summary>
    public bool ServeOAuthMetadata { get; set; } = true;

    /// <summary>Replaces the JWKS answer (for example a 503, or a hang) while set.</summary>
    public Func<HttpContext, Task>? JwksBehavior { get; set; }

    /// <summary>Replaces the introspection answer while set.</summary>
    public Func<HttpContext, Task>? IntrospectionBehavior { get; set; }

    /// <summary>The form of the last introspection request (<c>token</c> redacted to its length).</summary>
    public IReadOnlyDictionary<string, string>? LastIntrospectionForm { get; private set; }

    /// <summary>Whether the last introspection request authenticated with HTTP Basic (else in the form).</summary>
    public bool? LastIntrospectionUsedBasic { get; private set; }

    /// <summary>Stopped when the stand-in is disposed.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts the server; <paramref name="issuerPath"/> (for example <c>/tenant-a</c>) makes a path-qualified issuer.</summary>
    public static async Task<AuthorizationServerStandIn> StartAsync(string issuerPath = "", CancellationToken cancellationToken = default)
    {
        var standIn = new AuthorizationServerStandIn();
        standIn.RotateKeys(retireOld: false);

        var server = await LoopbackServer.StartAsync(typeof(AuthorizationServerStandIn).Assembly.GetName().Name!, standIn.HandleAsync, cancellationToken).ConfigureAwait(false);
        standIn._server = server;
        standIn.Origin = server.Origin;
        standIn.Issuer = standIn.Origin + issuerPath;
        return standIn;
    }

    /// <summary>
    /// Publishes a new RS256 and a new ES256 key (kids <c>rsa-N</c>, <c>ec-N</c>); with <paramref name="retireOld"/>, the
    /// previous keys are no longer published. Returns the new generation N.
    /// </summary>
    public int RotateKeys(bool retireOld = true)
    {
        lock (_keysGate)
        {
            int generation = ++_generation;
            if (retireOld)
            {
                _keys.Clear();
            }

            _keys.Add(SigningKey.Rsa($"rsa-{generation}"));
            _keys.Add(SigningKey.EcP256($"ec-{generation}"));
            return generation;
        }
    }

    /// <summary>
    /// Mints a JWT access token signed with the current key for <paramref name="algorithm"/> (RS256, PS256 or ES256).
    /// <paramref name="audience"/> is a string or a string array; null leaves <c>aud</c> out. Times default to now. With
    /// <paramref name="unpublishedKey"/>, the key (and its kid) is one the JWKS never publishes.
    /// </summary>
    public string CreateAccessToken(
        string subject,
        object? audience,
        string? scope = "mcp:tools",
        string algorithm = SecurityAlgorithms.RsaSha256,
        TimeSpan? lifetime = null,
        DateTimeOffset? notBefore = null,
        string? type = "at+jwt",
        string? issuer = null,
        IDictionary<string, object>? claims = null,
        string? kid = null,
        bool withoutExpiry = false,
        bool unpublishedKey = false)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = subject,
            ["client_id"] = "client-abc",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (audience is not null)
        {
            payload["aud"] = audience;
        }

        if (scope is not null)
        {
            payload["scope"] = scope;
        }

        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
        {
            payload[name] = value;
        }

        var key = unpublishedKey
            ? (algorithm.StartsWith("ES", StringComparison.Ordinal) ? SigningKey.EcP256("unpublished-" + Guid.NewGuid().ToString("N")[..8]) : SigningKey.Rsa("unpublished-" + Guid.NewGuid().ToString("N")[..8]))
            : CurrentKey(algorithm, kid);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Claims = payload,
            IssuedAt = now.UtcDateTime,
            NotBefore = (notBefore ?? now).UtcDateTime,
            Expires = withoutExpiry ? null : (now + (lifetime ?? TimeSpan.FromHours(1))).UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, algorithm),
            TokenType = type,
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>A token with <c>alg: none</c> and no signature, otherwise valid.</summary>
    public string CreateUnsignedToken(string subject, object audience) =>
        Compact(new JsonObject { ["alg"] = "none", ["typ"] = "at+jwt" }, Payload(subject, audience), signature: "");

    /// <summary>
    /// The classic key-confusion forgery: <c>alg: HS256</c> with the RSA key's <c>kid</c>, "signed" with HMAC keyed by the
    /// public key's published bytes.
    /// </summary>
    public string CreateHmacTokenSignedWithPublicKey(string subject, object audience)
    {
        var rsa = CurrentKey(SecurityAlgorithms.RsaSha256, null);
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = rsa.Kid };
        string unsigned = B64(header.ToJsonString()) + "." + B64(Payload(subject, audience).ToJsonString());
        byte[] mac = HMACSHA256.HashData(rsa.PublicKeyBytes, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64UrlEncoder.Encode(mac);
    }

    /// <summary>Makes the introspection endpoint answer <c>active: true</c> with <paramref name="members"/> for <paramref name="token"/>.</summary>
    public void AddActiveToken(string token, string subject, object? audience, string? scope = "mcp:tools", TimeSpan? lifetime = null, string? issuer = null, JsonObject? extra = null)
    {
        var answer = new JsonObject
        {
            ["active"] = true,
            ["sub"] = subject,
            ["client_id"] = "client-abc",
            ["iss"] = issuer ?? Issuer,
            ["exp"] = (DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
        };
        if (scope is not null)
        {
            answer["scope"] = scope;
        }

        if (audience is string single)
        {
            answer["aud"] = single;
        }
        else if (audience is string[] many)
        {
            answer["aud"] = new JsonArray([.. many.Select(a => JsonValue.Create(a))]);
        }

        foreach (var (name, value) in extra ?? [])
        {
            answer[name] = value?.DeepClone();
        }

        _introspection[token] = answer;
    }

    /// <summary>Makes the introspection endpoint answer <c>{"active":false}</c> for <paramref name="token"/> (the default for unknown tokens).</summary>
    public void Deactivate(string token) => _introspection.TryRemove(token, out _);

    /// <summary>Zeroes every call counter.</summary>
    public void ResetCounts()
    {
        Volatile.Write(ref _metadataCalls, 0);
        Volatile.Write(ref _openIdCalls, 0);
        Volatile.Write(ref _jwksCalls, 0);
        Volatile.Write(ref _introspectionCalls, 0);
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "";
        string issuerPath = new Uri(Issuer).AbsolutePath.TrimEnd('/');
        if (path == "/.well-known/oauth-authorization-server" + issuerPath)
        {
            Interlocked.Increment(ref _metadataCalls);
            if (!ServeOAuthMetadata)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await WriteJsonAsync(context, Metadata()).ConfigureAwait(false);
        }
        else if (path == issuerPath + "/.well-known/openid-configuration")
        {
            Interlocked.Increment(ref _openIdCalls);
            await WriteJsonAsync(context, Metadata()).ConfigureAwait(false);
        }
        else if (path == "/jwks")
        {
            Interlocked.Increment(ref _jwksCalls);
            if (JwksBehavior is { } behavior)
            {
                await behavior(context).ConfigureAwait(false);
                return;
            }

            JsonArray keys;
            lock (_keysGate)
            {
                keys = [.. _keys.Select(k => (JsonNode)k.Jwk())];
            }

            await WriteJsonAsync(context, new JsonObject { ["keys"] = keys }).ConfigureAwait(false);
        }
        else if (path == "/introspect" && HttpMethods.IsPost(context.Request.Method))
        {
            Interlocked.Increment(ref _introspectionCalls);
            await IntrospectAsync(context).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task IntrospectAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        LastIntrospectionForm = form.ToDictionary(f => f.Key, f => f.Key == "token" ? $"[{f.Value.ToString().Length} chars]" : f.Value.ToString(), StringComparer.Ordinal);
        if (IntrospectionBehavior is { } behavior)
        {
            await behavior(context).ConfigureAwait(false);
            return;
        }

        string? id = null, secret = null;
        string authorization = context.Request.Headers.Authorization.ToString();
        LastIntrospectionUsedBasic = authorization.StartsWith("Basic ", StringComparison.Ordinal);
        if (LastIntrospectionUsedBasic == true)
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            id = Uri.UnescapeDataString(decoded[..Math.Max(colon, 0)]);
            secret = colon < 0 ? null : Uri.UnescapeDataString(decoded[(colon + 1)..]);
        }
        else
        {
            id = form["client_id"];
            secret = form["client_secret"];
        }

        if (id != ClientId || secret != ClientSecret)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await WriteJsonAsync(context, new JsonObject { ["error"] = "invalid_client" }).ConfigureAwait(false);
            return;
        }

        string token = form["token"].ToString();
        await WriteJsonAsync(context, _introspection.TryGetValue(token, out var answer) ? answer : new JsonObject { ["active"] = false }).ConfigureAwait(false);
    }

    private JsonObject Metadata() => new()
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Origin + "/authorize",
        ["token_endpoint"] = Origin + "/token",
        ["jwks_uri"] = JwksUri,
        ["introspection_endpoint"] = IntrospectionEndpoint,
        ["introspection_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post"),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
        ["response_types_supported"] = new JsonArray("code"),
    };

    private JsonObject Payload(string subject, object audience)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["scope"] = "mcp:tools",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromHours(1)).ToUnixTimeSeconds(),
        };
        payload["aud"] = audience is string[] many ? new JsonArray([.. many.Select(a => JsonValue.Create(a))]) : JsonValue.Create((string)audience);
        return payload;
    }

    private SigningKey CurrentKey(string algorithm, string? kid)
    {
        lock (_keysGate)
        {
            bool ec = algorithm.StartsWith("ES", StringComparison.Ordinal);
            return kid is not null
                ? _keys.Single(k => k.Kid == kid)
                : _keys.Last(k => k.IsEc == ec);
        }
    }

    private static string Compact(JsonObject header, JsonObject payload, string signature) =>
        B64(header.ToJsonString()) + "." + B64(payload.ToJsonString()) + "." + signature;

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static async Task WriteJsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stops Kestrel and releases it.</summary>
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

    /// <summary>One signing key and its public JWK.</summary>
    private sealed class SigningKey
    {
        private SigningKey(string kid, AsymmetricSecurityKey key, JsonObject jwk, byte[] publicKeyBytes, bool isEc)
        {
            Kid = kid;
            Key = key;
            PublicJwk = jwk;
            PublicKeyBytes = publicKeyBytes;
            IsEc = isEc;
        }

        public string Kid { get; }

        public AsymmetricSecurityKey Key { get; }

        public JsonObject PublicJwk { get; }

        public byte[] PublicKeyBytes { get; }

        public bool IsEc { get; }

        public JsonObject Jwk() => (JsonObject)PublicJwk.DeepClone();

        public static SigningKey Rsa(string kid)
        {
            var rsa = System.Security.Cryptography.RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            var jwk = new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = kid,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
            return new SigningKey(kid, new RsaSecurityKey(rsa) { KeyId = kid }, jwk, Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()), isEc: false);
        }

        public static SigningKey EcP256(string kid)
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = ec.ExportParameters(false);
            var jwk = new JsonObject
            {
                ["kty"] = "EC",
                ["use"] = "sig",
                ["kid"] = kid,
                ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            };
            return new SigningKey(kid, new ECDsaSecurityKey(ec) { KeyId = kid }, jwk, Encoding.ASCII.GetBytes(ec.ExportSubjectPublicKeyInfoPem()), isEc: true);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TokenValidation.ApiKeys;
using TokenValidation.Caching;

namespace TokenValidation.Benchmarks;

/// <summary>The tokens and the user every benchmark shares, so rows in different classes describe the same work.</summary>
internal static class BenchmarkData
{
    /// <summary>
    /// The §10 floor: a SHA-256 of the token's UTF-8 bytes, encoded into a stack buffer as the library does. Inlined, so
    /// every class's floor row measures the same work with no extra call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sha256Floor(string token)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(token.Length)];
        int written = Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..written], hash);
        return MemoryMarshal.Read<ulong>(hash);
    }

    /// <summary>A 48-character AuthKit access token (CONTRACT.md §10 measures "a 48-char token").</summary>
    public const string Token = "mat_01JD8Y2W6Q3K7R9T4V5X8Z0A1B2C3D4E5F6G7H8J9K0M";

    /// <summary>Same length and prefix, with a character outside RFC 6750's b64token set.</summary>
    public const string BadCharacterToken = "mat_01JD8Y2W6Q3K7R9T4V5X8Z0A1B2C3D4E5F6G7H8J9K0$";

    /// <summary>Same length, a prefix no validator claims (and no fallback is registered).</summary>
    public const string UnknownPrefixToken = "ghp_01JD8Y2W6Q3K7R9T4V5X8Z0A1B2C3D4E5F6G7H8J9K0M";

    public const string Subject = "user_01JD8Y2W6Q3K7R9T4V5X8Z0A1B";
    public const string Email = "ada.lovelace@example.com";
    public const string Name = "Ada Lovelace";
    public const string OrgId = "org_01JD8Y2W6Q3K7R9T4V5X8Z0A1B";
    public const string SessionId = "session_01JD8Y2W6Q3K7R9T4V5X8Z0A1B";
    public const string ClientId = "client_01JD8Y2W6Q3K7R9T4V5X8Z0A1B";
    public const string Scope = "openid profile email mcp:tools";
    public const string Issuer = "https://bench.authkit.app";
    public const string Audience = "https://mcp.example.com/mcp";

    /// <summary>Fields of the userinfo answer beyond sub/email/name (they become claims and scopes).</summary>
    public static object UserInfoExtra => new { org_id = OrgId, sid = SessionId, client_id = ClientId, scope = Scope };

    /// <summary>Long cache lifetimes so an entry cannot expire during a long run and turn one measured hit into a miss.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromDays(1);

    static BenchmarkData()
    {
        foreach (var token in new[] { Token, BadCharacterToken, UnknownPrefixToken })
        {
            if (token.Length != 48 || Encoding.UTF8.GetByteCount(token) != 48)
            {
                throw new InvalidOperationException($"Benchmark tokens must be 48 ASCII characters; '{token[..4]}…' has {token.Length}.");
            }
        }
    }

    /// <summary>
    /// The public DI path an application uses: <c>AddTokenValidation().AddAuthKit(...).AddApiKeys(...)</c>, no logging
    /// providers (a host's console logger would only add cost on paths that log, and none of the hit paths log).
    /// </summary>
    public static ServiceProvider BuildProvider(
        string authority,
        ApiKey? apiKey = null,
        Action<IServiceCollection>? services = null,
        Action<TokenValidationBuilder>? configure = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        var builder = collection.AddTokenValidation()
            .AddAuthKit(o =>
            {
                o.Authority = authority;
                o.AllowHttp = true;
            })
            .AddApiKeys(o =>
            {
                if (apiKey is not null)
                {
                    o.Keys.Add(new ApiKeyDescriptor { Name = "bench-bot", Hash = apiKey.Hash, Scopes = ["mcp:tools"] });
                }
            })
            .ConfigureCache(o => o.Lifetime = CacheLifetime);
        configure?.Invoke(builder);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Synchronous result of a ValueTask that is expected to complete synchronously (an L1 hit).</summary>
    public static TokenCheckResult Result(ValueTask<TokenCheckResult> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    public static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Benchmark set-up check failed: " + what);
        }
    }

    public static TokenHash Hash(string token) => TokenHash.Compute(token);
}

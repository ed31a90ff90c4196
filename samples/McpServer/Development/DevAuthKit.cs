using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenValidation.AspNetCore;

namespace McpServerSample.Development;

/// <summary>
/// A stand-in for AuthKit inside the sample, for trying it without a WorkOS account: it mints opaque <c>mat_</c> tokens
/// for one development user and answers <c>/oauth/userinfo</c> for them, as AuthKit does; with a Login URI it also plays
/// AuthKit's half of Standalone Connect (<see cref="DevStandaloneConnect"/>), so the app's own users sign in. Development
/// only: it hands out tokens to anyone who asks.
/// </summary>
public sealed class DevAuthKit
{
    /// <summary>Where the stand-in is mapped on the sample's own origin.</summary>
    public const string PathPrefix = "/dev-authkit";

    private readonly ConcurrentDictionary<string, string[]> _tokens = new(StringComparer.Ordinal);
    private readonly IResult _metadata;
    private readonly RsaSecurityKey? _signingKey;
    private readonly string? _jwks;
    private readonly DevStandaloneConnect? _connect;

    /// <summary>Creates the stand-in and mints <see cref="DevToken"/>.</summary>
    /// <param name="environment">Must be Development.</param>
    /// <param name="origin">The sample's origin, for example <c>http://127.0.0.1:5080</c>.</param>
    /// <param name="scopes">The scopes AuthKit would grant: those of <see cref="DevToken"/>, and the most a minted token gets.</param>
    /// <param name="jwtAudience">The resource, to mint JWT access tokens for it; <see langword="null"/> for <c>mat_</c> tokens.</param>
    /// <param name="loginUri">The app's Login URI, to play AuthKit's half of Standalone Connect (needs <paramref name="jwtAudience"/>).</param>
    /// <exception cref="InvalidOperationException">Not in Development.</exception>
    public DevAuthKit(IHostEnvironment environment, string origin, IEnumerable<string> scopes, string? jwtAudience = null, string? loginUri = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentNullException.ThrowIfNull(scopes);
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"The development AuthKit stand-in runs only in the Development environment (this is '{environment.EnvironmentName}'): " +
                "it gives tokens to anyone who asks. Set TokenValidation:AuthKit:Authority to your AuthKit domain, " +
                "for example https://your-subdomain.authkit.app.");
        }

        Authority = origin.TrimEnd('/') + PathPrefix;
        Scopes = [.. scopes];
        JwtAudience = jwtAudience;
        if (jwtAudience is not null)
        {
            // Like hosted AuthKit: RS256 JWT access tokens whose keys are published at {authority}/oauth2/jwks.
            _signingKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "dev-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(6)) };
            var parameters = _signingKey.Rsa.ExportParameters(false);
            _jwks = new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = SecurityAlgorithms.RsaSha256,
                    ["kid"] = _signingKey.KeyId,
                    ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                    ["e"] = Base64Url.EncodeToString(parameters.Exponent),
                }),
            }.ToJsonString();
        }

        if (loginUri is not null)
        {
            if (jwtAudience is null)
            {
                throw new InvalidOperationException("Standalone Connect issues AuthKit JWTs: pass the JWT audience too.");
            }

            _connect = new DevStandaloneConnect(this, loginUri);
            _connect.RegisterTryClient();
        }

        DevToken = Mint(Scopes);
        var metadata = new DevAuthorizationServerMetadata(
            Authority,
            Authority + "/oauth/token",
            Authority + "/oauth/userinfo",
            Scopes,
            _connect is null ? ["client_credentials"] : ["authorization_code", "client_credentials"],
            ["none"])
        {
            JwksUri = _jwks is null ? null : Authority + "/oauth2/jwks",
        };
        if (_connect is not null)
        {
            metadata = metadata with
            {
                AuthorizationEndpoint = Authority + "/oauth2/authorize",
                RegistrationEndpoint = Authority + "/oauth2/register",
                ResponseTypesSupported = ["code"],
                CodeChallengeMethodsSupported = ["S256"],
                AuthorizationResponseIssParameterSupported = true,
            };
        }

        _metadata = Results.Json(metadata, SampleJsonContext.Default.DevAuthorizationServerMetadata);
    }

    /// <summary>The Standalone Connect half, when the stand-in was given a Login URI.</summary>
    internal DevStandaloneConnect? Connect => _connect;

    /// <summary>The stand-in's issuer, and the authority the sample validates <c>mat_</c> tokens against.</summary>
    public string Authority { get; }

    /// <summary>The <c>aud</c> of the JWT access tokens this stand-in mints; <see langword="null"/> when it mints opaque <c>mat_</c> tokens.</summary>
    public string? JwtAudience { get; }

    /// <summary>The scopes the stand-in grants.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>A token for <see cref="DevUser"/> with every scope, minted at start-up and printed for <c>curl</c>.</summary>
    public string DevToken { get; }

    /// <summary>The one user the stand-in knows.</summary>
    public DevUserInfo DevUser { get; } = new("user_01DEVELOPMENT0000000000000", "dev@example.com", "Dev User", null);

    /// <summary>Mints a new token for <see cref="DevUser"/> carrying <paramref name="scopes"/> (those the stand-in grants).</summary>
    public string Mint(IEnumerable<string> scopes)
    {
        if (_signingKey is not null)
        {
            return MintJwt([.. scopes.Where(Scopes.Contains).Distinct(StringComparer.Ordinal)]);
        }

        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        string token = "mat_" + Base64Url.EncodeToString(secret);
        _tokens[token] = [.. scopes.Where(Scopes.Contains).Distinct(StringComparer.Ordinal)];
        return token;
    }

    private string MintJwt(string[] scopes) =>
        MintJwt(DevUser.Subject, DevUser.Email, DevUser.Name, scopes, "dev-client", externalId: null);

    /// <summary>An AuthKit-style RS256 access token for a user, as AuthKit issues them after Standalone Connect.</summary>
    internal string MintJwt(string subject, string email, string name, IReadOnlyCollection<string> scopes, string clientId, string? externalId)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["email"] = email,
            ["email_verified"] = true,
            ["name"] = name,
            ["scope"] = string.Join(' ', scopes),
            ["client_id"] = clientId,
            ["sid"] = "session_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9)),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (externalId is not null)
        {
            claims["external_id"] = externalId;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = JwtAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.RsaSha256),
            Claims = claims,
        });
    }

    /// <summary>The userinfo answer for <paramref name="token"/>, or <see langword="null"/> when it was not minted here.</summary>

    public DevUserInfo? UserInfo(string token) =>
        _tokens.TryGetValue(token, out var scopes) ? DevUser with { Scope = string.Join(' ', scopes) } : null;

    /// <summary>Answers a request under <see cref="PathPrefix"/> (the branch has taken the prefix off the path).</summary>
    internal async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var result = request.Path.Value switch
        {
            McpBearerDefaults.AuthorizationServerMetadataPath when HttpMethods.IsGet(request.Method) => _metadata,
            "/oauth/userinfo" when HttpMethods.IsGet(request.Method) || HttpMethods.IsPost(request.Method) => UserInfo(context),
            "/oauth/token" when HttpMethods.IsPost(request.Method) => await TokenAsync(context),
            "/oauth2/jwks" when HttpMethods.IsGet(request.Method) && _jwks is not null => Results.Text(_jwks, "application/json"),
            "/oauth2/register" when HttpMethods.IsPost(request.Method) && _connect is not null => await _connect.RegisterAsync(context),
            "/oauth2/authorize" when HttpMethods.IsGet(request.Method) && _connect is not null => _connect.Authorize(context),
            "/oauth2/authorize/complete" when HttpMethods.IsGet(request.Method) && _connect is not null => _connect.Resume(context),
            "/authkit/oauth2/complete" when HttpMethods.IsPost(request.Method) && _connect is not null => await _connect.CompleteAsync(context),
            DevStandaloneConnect.TryPath when HttpMethods.IsGet(request.Method) && _connect is not null => _connect.Try(),
            DevStandaloneConnect.TryPath + "/callback" when HttpMethods.IsGet(request.Method) && _connect is not null => _connect.TryCallback(context, JwtAudience!),
            _ => Results.NotFound(),
        };
        await result.ExecuteAsync(context);
    }

    /// <summary>Answers the path-inserted metadata URL, where RFC 8414 clients look for an issuer with a path.</summary>
    internal Task HandleMetadataAsync(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.HasValue ? _metadata : Results.NotFound()).ExecuteAsync(context);

    private IResult UserInfo(HttpContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        var user = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? UserInfo(authorization["Bearer ".Length..].Trim())
            : null;
        if (user is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.Json(new DevOAuthError("invalid_token", "The access token is invalid or expired."), SampleJsonContext.Default.DevOAuthError, statusCode: StatusCodes.Status401Unauthorized);
        }

        return Results.Json(user, SampleJsonContext.Default.DevUserInfo);
    }

    // Client credentials without client authentication: anyone may ask, which is why this exists only in Development.
    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        if (form["grant_type"] == "authorization_code" && _connect is not null)
        {
            context.Response.Headers.CacheControl = "no-store";
            return _connect.Exchange(form);
        }

        if (form["grant_type"] != "client_credentials")
        {
            return Results.Json(new DevOAuthError("unsupported_grant_type", _connect is null ? "Only client_credentials is supported." : "Only authorization_code and client_credentials are supported."), SampleJsonContext.Default.DevOAuthError, statusCode: StatusCodes.Status400BadRequest);
        }

        // No scope parameter: every scope, as the printed token has; "scope=" asks for none.
        var requested = form.TryGetValue("scope", out var scope) ? scope.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries) : Scopes;
        string token = Mint(requested);
        context.Response.Headers.CacheControl = "no-store";
        string granted = string.Join(' ', requested.Where(Scopes.Contains).Distinct(StringComparer.Ordinal));
        return Results.Json(new DevTokenResponse(token, "Bearer", granted), SampleJsonContext.Default.DevTokenResponse);
    }
}

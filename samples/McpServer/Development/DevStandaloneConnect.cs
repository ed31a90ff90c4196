using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpServerSample.Development;

/// <summary>
/// AuthKit's half of Standalone Connect, inside the development stand-in: dynamic client registration,
/// <c>/oauth2/authorize</c> with PKCE sending the browser to the sample's Login URI with an <c>external_auth_id</c>,
/// the completion API (<c>POST /authkit/oauth2/complete</c>, checking the API key), the return to the client with a
/// code, and the code's exchange for an AuthKit-style JWT. Development only, in memory, bounded.
/// </summary>
internal sealed class DevStandaloneConnect(DevAuthKit authKit, string loginUri)
{
    private const int MaxEntries = 1000;
    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, string[]> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _completed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BridgeUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tryVerifiers = new(StringComparer.Ordinal);
    private readonly Lock _usersLock = new();

    /// <summary>The client behind <see cref="TryPath"/>, registered from the start.</summary>
    private const string TryClientId = "client_dev_browser";

    /// <summary>Where a person starts the whole flow by hand, with a browser (under the stand-in's authority).</summary>
    public const string TryPath = "/try";

    /// <summary>Registers the built-in client of <see cref="TryPath"/>.</summary>
    public void RegisterTryClient() => _clients[TryClientId] = [TryCallbackUri];

    /// <summary>The WorkOS API key the completion call must present (printed nowhere; the sample configures itself with it).</summary>
    public string ApiKey { get; } = "sk_test_dev_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The Login URI AuthKit sends the browser to.</summary>
    public string LoginUri { get; } = loginUri;

    /// <summary>RFC 7591 registration: any client with absolute http(s) redirect URIs; a public client (no secret).</summary>
    public async Task<IResult> RegisterAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context);
        var redirectUris = (body?["redirect_uris"] as JsonArray)?.Select(n => n?.GetValueKind() == JsonValueKind.String ? (string?)n : null).ToArray();
        if (redirectUris is not { Length: > 0 } || redirectUris.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_redirect_uri", "redirect_uris must be absolute http(s) URLs.");
        }

        if (_clients.Count >= MaxEntries)
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_client_metadata", "The development stand-in has registered enough clients; restart it.");
        }

        string clientId = "client_dev_" + Random(12);
        _clients[clientId] = redirectUris!;
        return Json(StatusCodes.Status201Created, new JsonObject
        {
            ["client_id"] = clientId,
            ["client_id_issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["redirect_uris"] = new JsonArray([.. redirectUris!.Select(u => JsonValue.Create(u))]),
            ["grant_types"] = new JsonArray("authorization_code"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = "none",
        });
    }

    /// <summary>The authorization request: checked, remembered under a new <c>external_auth_id</c>, sent to the Login URI.</summary>
    public IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        string clientId = query["client_id"].ToString();
        string redirectUri = query["redirect_uri"].ToString();
        if (!_clients.TryGetValue(clientId, out var registered) || !registered.Contains(redirectUri, StringComparer.Ordinal))
        {
            // Never redirect to an unregistered URI: say so to the person instead.
            return Results.Text("Unknown client_id, or a redirect_uri it did not register.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (query["response_type"] != "code" || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
        {
            return Results.Text("Only response_type=code with PKCE (code_challenge_method=S256) is supported.", statusCode: StatusCodes.Status400BadRequest);
        }

        Sweep();
        if (_pending.Count >= MaxEntries)
        {
            return Results.Text("Too many sign-ins in progress; try again in a few minutes.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        string[] requested = query["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] scopes = requested.Length == 0 ? [.. authKit.Scopes] : [.. requested.Where(authKit.Scopes.Contains).Distinct(StringComparer.Ordinal)];
        string externalAuthId = "ext_auth_" + Random(18);
        _pending[externalAuthId] = new Pending(clientId, redirectUri, query["code_challenge"].ToString(), query["state"], scopes, DateTimeOffset.UtcNow + PendingLifetime);
        return Results.Redirect(LoginUri + (LoginUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "external_auth_id=" + externalAuthId);
    }

    /// <summary>The completion API, as WorkOS answers it: the API key, then the pending sign-in, then the user's email.</summary>
    public async Task<IResult> CompleteAsync(HttpContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..]), Encoding.UTF8.GetBytes(ApiKey)))
        {
            return Error(StatusCodes.Status401Unauthorized, "unauthorized", "Invalid API key.");
        }

        var body = await ReadJsonAsync(context);
        string? externalAuthId = Text(body?["external_auth_id"]);
        var user = body?["user"] as JsonObject;
        string? id = Text(user?["id"]);
        string? email = Text(user?["email"])?.Trim().ToLowerInvariant();
        if (externalAuthId is null || id is null || email is null || !email.Contains('@', StringComparison.Ordinal))
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "invalid_request_parameters", "external_auth_id, user.id and user.email are required.");
        }

        if (!_pending.TryRemove(externalAuthId, out var pending) || pending.Expires < DateTimeOffset.UtcNow)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_external_auth_id", "The external_auth_id is unknown, expired or already used.");
        }

        BridgeUser bridgeUser;
        lock (_usersLock)
        {
            // Emails are unique to a user: a new external id with an email another one already has is refused.
            if (_users.Values.FirstOrDefault(u => u.Email == email && u.ExternalId != id) is not null)
            {
                return Error(StatusCodes.Status400BadRequest, "email_already_in_use", "This email address belongs to another user.");
            }

            string name = string.Join(' ', new[] { Text(user!["first_name"]), Text(user["last_name"]) }.Where(n => !string.IsNullOrWhiteSpace(n)));
            bridgeUser = _users.AddOrUpdate(
                id,
                _ => new BridgeUser("user_" + Random(18), id, email, name),
                (_, existing) => existing with { Email = email, Name = name });
        }

        string session = Random(24);
        _completed[session] = new Grant(pending, bridgeUser, DateTimeOffset.UtcNow + PendingLifetime);
        return Json(StatusCodes.Status200OK, new JsonObject { ["redirect_uri"] = authKit.Authority + "/oauth2/authorize/complete?session=" + session });
    }

    /// <summary>Where the completion answer sends the browser: back to the client's redirect URI with a code.</summary>
    public IResult Resume(HttpContext context)
    {
        if (!_completed.TryRemove(context.Request.Query["session"].ToString(), out var grant) || grant.Expires < DateTimeOffset.UtcNow)
        {
            return Results.Text("This sign-in is unknown, expired or already finished. Start again from your MCP client.", statusCode: StatusCodes.Status400BadRequest);
        }

        string code = Random(24);
        _codes[code] = grant with { Expires = DateTimeOffset.UtcNow + CodeLifetime };
        var target = new UriBuilder(grant.Pending.RedirectUri);
        string query = target.Query.TrimStart('?');
        query += (query.Length > 0 ? "&" : "") + "code=" + code + "&iss=" + Uri.EscapeDataString(authKit.Authority);
        if (grant.Pending.State is { Length: > 0 } state)
        {
            query += "&state=" + Uri.EscapeDataString(state);
        }

        target.Query = query;
        return Results.Redirect(target.Uri.AbsoluteUri);
    }

    /// <summary>The authorization code grant: one use, within a minute, same client and redirect URI, PKCE verifier matching.</summary>
    public IResult Exchange(IFormCollection form)
    {
        var issued = Redeem(form["code"].ToString(), form["client_id"].ToString(), form["redirect_uri"].ToString(), form["code_verifier"].ToString());
        return issued is not { } token
            ? OAuthError(StatusCodes.Status400BadRequest, "invalid_grant", "The code is unknown, expired, used, or not for this client, redirect_uri or code_verifier.")
            : Results.Json(token, SampleJsonContext.Default.DevTokenResponse);
    }

    /// <summary>
    /// The flow by hand: this built-in client starts an authorization (PKCE) whose callback, <see cref="TryCallback"/>,
    /// shows the token an MCP client would get.
    /// </summary>
    public IResult Try()
    {
        if (_tryVerifiers.Count >= MaxEntries)
        {
            _tryVerifiers.Clear();
        }

        string verifier = Random(32);
        string state = Random(12);
        _tryVerifiers[state] = verifier;
        string challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return Results.Redirect(authKit.Authority + "/oauth2/authorize?response_type=code&client_id=" + TryClientId
            + "&redirect_uri=" + Uri.EscapeDataString(TryCallbackUri) + "&code_challenge_method=S256&code_challenge=" + challenge
            + "&state=" + state + "&scope=" + Uri.EscapeDataString(string.Join(' ', authKit.Scopes)));
    }

    /// <summary>The built-in client's redirect URI: exchanges the code and shows the token and a <c>curl</c> for <c>whoami</c>.</summary>
    public IResult TryCallback(HttpContext context, string mcpUrl)
    {
        var query = context.Request.Query;
        var issued = _tryVerifiers.TryRemove(query["state"].ToString(), out var verifier)
            ? Redeem(query["code"].ToString(), TryClientId, TryCallbackUri, verifier)
            : null;
        if (issued is null)
        {
            return Results.Text("This sign-in is unknown, expired or already finished. Start again at " + authKit.Authority + TryPath, statusCode: StatusCodes.Status400BadRequest);
        }

        string call = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}""";
        string curl = $"curl -s {mcpUrl} -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' "
            + $"-H 'MCP-Protocol-Version: 2025-11-25' -H 'Authorization: Bearer {issued.AccessToken}' -d '{call}'";
        var e = System.Text.Encodings.Web.HtmlEncoder.Default;
        string html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connected</title></head>"
            + "<body style=\"font-family:system-ui,sans-serif;max-width:48rem;margin:3rem auto\"><h1>Connected</h1>"
            + "<p>This is what an MCP client receives at the end of the flow: an AuthKit-style access token for your account. "
            + "Call the <code>whoami</code> tool with it:</p><pre style=\"white-space:pre-wrap;word-break:break-all\">" + e.Encode(curl) + "</pre></body></html>";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private string TryCallbackUri => authKit.Authority + TryPath + "/callback";

    private DevTokenResponse? Redeem(string code, string clientId, string redirectUri, string verifier)
    {
        if (!_codes.TryRemove(code, out var grant) || grant.Expires < DateTimeOffset.UtcNow
            || clientId != grant.Pending.ClientId || redirectUri != grant.Pending.RedirectUri
            || !PkceMatches(verifier, grant.Pending.CodeChallenge))
        {
            return null;
        }

        var user = grant.User;
        string token = authKit.MintJwt(user.Subject, user.Email, user.Name, grant.Pending.Scopes, grant.Pending.ClientId, user.ExternalId);
        return new DevTokenResponse(token, "Bearer", string.Join(' ', grant.Pending.Scopes));
    }

    private static bool PkceMatches(string verifier, string challenge) =>
        verifier.Length is >= 43 and <= 128
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            Encoding.ASCII.GetBytes(challenge));

    private void Sweep()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (key, pending) in _pending)
        {
            if (pending.Expires < now)
            {
                _pending.TryRemove(key, out _);
            }
        }
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.String && (string?)node is { Length: > 0 } value ? value : null;

    private static string Random(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static IResult Json(int status, JsonObject body) => Results.Text(body.ToJsonString(), "application/json", statusCode: status);

    private static IResult Error(int status, string code, string message) => Json(status, new JsonObject { ["code"] = code, ["message"] = message });

    private static IResult OAuthError(int status, string error, string description) =>
        Json(status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private sealed record Pending(string ClientId, string RedirectUri, string CodeChallenge, string? State, string[] Scopes, DateTimeOffset Expires);

    private sealed record BridgeUser(string Subject, string ExternalId, string Email, string Name);

    private sealed record Grant(Pending Pending, BridgeUser User, DateTimeOffset Expires);
}

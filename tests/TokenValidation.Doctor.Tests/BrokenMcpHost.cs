using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TokenValidation.Testing;

namespace TokenValidation.Doctor.Tests;

/// <summary>
/// A small MCP server and its authorization server on one loopback Kestrel, written by hand from the specs and
/// broken on purpose by <see cref="HostFaults"/>. Its MCP endpoint is stateful (an <c>Mcp-Session-Id</c> that
/// tools/list must carry) and answers tools/list as an event stream with a notification first.
/// </summary>
public sealed class BrokenMcpHost : IAsyncDisposable
{
    /// <summary>The one token the host accepts.</summary>
    public const string Token = "doctor-test-token-3f9a";

    private const string SessionId = "session-7c1e";
    private readonly HostFaults _faults;
    private LoopbackServer? _server;
    private int _sessionsEnded;

    private BrokenMcpHost(HostFaults faults) => _faults = faults;

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string Origin => _server?.Origin ?? throw new InvalidOperationException("Not started.");

    /// <summary>The MCP endpoint, <see cref="Origin"/> + <c>/mcp</c>.</summary>
    public string McpUrl => Origin + "/mcp";

    /// <summary>The authorization server's issuer, <see cref="Origin"/> + <c>/as</c>.</summary>
    public string Issuer => Origin + "/as";

    /// <summary>DELETEs of the session received.</summary>
    public int SessionsEnded => Volatile.Read(ref _sessionsEnded);

    /// <summary>Starts the host with <paramref name="faults"/> (none: a healthy host).</summary>
    public static async Task<BrokenMcpHost> StartAsync(HostFaults? faults = null)
    {
        var host = new BrokenMcpHost(faults ?? new HostFaults());
        host._server = await LoopbackServer.StartAsync(nameof(BrokenMcpHost), host.HandleAsync, CancellationToken.None);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (_faults.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        string path = context.Request.Path.Value ?? "/";
        switch (path)
        {
            case "/mcp":
                await McpAsync(context);
                break;
            case "/.well-known/oauth-protected-resource" or "/.well-known/oauth-protected-resource/mcp":
                await ProtectedResourceAsync(context);
                break;
            case "/.well-known/oauth-authorization-server/as":
                await WriteJsonAsync(context, AuthorizationServerMetadata());
                break;
            case "/.well-known/oauth-authorization-server":
                context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                context.Response.Headers.Location = Origin + "/.well-known/oauth-authorization-server/as";
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private async Task McpAsync(HttpContext context)
    {
        if (_faults.RefuseForeignOrigin && context.Request.Headers.Origin.Count > 0)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        string authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            if (HttpMethods.IsGet(context.Request.Method) && _faults.UnauthenticatedGetStatus is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            var parameters = new List<string>();
            if (_faults.ErrorWithoutToken)
            {
                parameters.Add("error=\"invalid_token\"");
            }

            if (!_faults.NoResourceMetadata)
            {
                parameters.Add($"resource_metadata=\"{Origin}/.well-known/oauth-protected-resource\"");
            }

            parameters.Add("scope=\"mcp:tools\"");
            Challenge(context, "Bearer " + string.Join(", ", parameters));
            return;
        }

        if (authorization != "Bearer " + Token && !_faults.AcceptAnyToken)
        {
            Challenge(context, $"Bearer error=\"invalid_token\", error_description=\"The access token is not valid\", resource_metadata=\"{Origin}/.well-known/oauth-protected-resource\"");
            return;
        }

        if (HttpMethods.IsDelete(context.Request.Method))
        {
            Interlocked.Increment(ref _sessionsEnded);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var message = await JsonNode.ParseAsync(context.Request.Body);
        string? method = (string?)message?["method"];
        if (method != "initialize" && context.Request.Headers["Mcp-Session-Id"] != SessionId)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        switch (method)
        {
            case "initialize":
                context.Response.Headers["Mcp-Session-Id"] = SessionId;
                await WriteJsonAsync(context, new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = message!["id"]!.DeepClone(),
                    ["result"] = new JsonObject
                    {
                        ["protocolVersion"] = "2025-11-25",
                        ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                        ["serverInfo"] = new JsonObject { ["name"] = "broken-host", ["version"] = "1.0" },
                    },
                });
                break;
            case "notifications/initialized":
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case "tools/list":
                context.Response.ContentType = "text/event-stream";
                string result = JsonSerializer.Serialize(new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = message!["id"]!.DeepClone(),
                    ["result"] = new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["name"] = "echo" }, new JsonObject { ["name"] = "time" }) },
                });
                await context.Response.WriteAsync(
                    "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"listing\"}}\n\n"
                    + $"event: message\ndata: {result}\n\n");
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }
    }

    private void Challenge(HttpContext context, string challenge)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = challenge;
        if (!_faults.NoChallengeCors)
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.AccessControlExposeHeaders = "WWW-Authenticate";
        }
    }

    private Task ProtectedResourceAsync(HttpContext context)
    {
        if (_faults.PrmNotFound)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (!_faults.NoPrmCors)
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
        }

        return WriteJsonAsync(context, new JsonObject
        {
            ["resource"] = McpUrl + _faults.ResourceSuffix,
            ["authorization_servers"] = new JsonArray(Issuer + _faults.AuthorizationServerSuffix),
            ["scopes_supported"] = new JsonArray("mcp:tools"),
            ["bearer_methods_supported"] = new JsonArray("header"),
        });
    }

    private JsonObject AuthorizationServerMetadata()
    {
        var metadata = new JsonObject
        {
            ["issuer"] = Issuer + _faults.IssuerSuffix,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = _faults.TokenEndpoint ?? Issuer + "/token",
            ["scopes_supported"] = new JsonArray("mcp:tools", "offline_access"),
            ["response_types_supported"] = new JsonArray("code"),
            ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token"),
            ["code_challenge_methods_supported"] = _faults.NoS256 ? new JsonArray("plain") : new JsonArray("S256"),
        };
        if (!_faults.NoRegistration)
        {
            metadata["registration_endpoint"] = Issuer + "/register";
        }

        return metadata;
    }

    private static Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServerSample.Mcp;

/// <summary>
/// The MCP endpoint: Streamable HTTP over ModelContextProtocol.Core's <see cref="StreamableHttpServerTransport"/>, in
/// stateless mode. Each POST gets its own transport and server, so any replica behind a load balancer can answer any
/// request (no session affinity, nothing to clean up); the cost is no server-to-client requests (sampling,
/// elicitation) and no standalone GET stream, which these tools do not need.
/// </summary>
internal static class McpEndpoint
{
    private const string ProtocolVersionHeader = "MCP-Protocol-Version";

    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private static readonly JsonTypeInfo<JsonRpcError> ErrorType =
        (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError));

    /// <summary>
    /// Maps POST, GET and DELETE on one endpoint, so authentication runs before the method is looked at: a GET or
    /// DELETE without a token gets the 401 challenge, not a 405 from routing.
    /// </summary>
    public static IEndpointConventionBuilder MapMcp(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapMethods(pattern, [HttpMethods.Post, HttpMethods.Get, HttpMethods.Delete], HandleAsync);

    private static async Task HandleAsync(HttpContext context, McpServerOptions serverOptions, McpToolAuthorization toolAuthorization, ILoggerFactory loggerFactory)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // Streamable HTTP lets a server without a GET stream or sessions answer 405 to both.
            context.Response.Headers.Allow = HttpMethods.Post;
            await WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, McpErrorCode.InvalidRequest,
                "Method Not Allowed: this server is stateless; send JSON-RPC messages with POST.");
            return;
        }

        if (!AcceptsJsonAndEventStream(context.Request))
        {
            await WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, McpErrorCode.InvalidRequest,
                "Not Acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(context.Request.Body, MessageType, context.RequestAborted);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.ParseError,
                "Bad Request: the body is not a JSON-RPC message.");
            return;
        }

        // Before dispatch, while the status line is still ours: a tools/call without the tool's scope is an HTTP 403
        // with insufficient_scope, which MCP clients answer by asking the user for the scope (step-up).
        if (!await toolAuthorization.AuthorizeAsync(context, message))
        {
            return;
        }

        message.Context ??= new JsonRpcMessageContext();
        message.Context.User = context.User;
        message.Context.ProtocolVersion = context.Request.Headers[ProtocolVersionHeader];

        var transport = new StreamableHttpServerTransport(loggerFactory) { Stateless = true };
        var server = McpServer.Create(transport, serverOptions, loggerFactory, context.RequestServices);
        var run = server.RunAsync(context.RequestAborted);
        try
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache,no-store";
            context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            if (!await transport.HandlePostRequestAsync(message, context.Response.Body, first => SetErrorStatus(context, first), context.RequestAborted))
            {
                // A notification or a response: nothing to answer.
                context.Response.ContentType = null;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        finally
        {
            await transport.DisposeAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
                // The client went away.
            }

            await server.DisposeAsync();
        }
    }

    // From the 2026-07-28 revision (SEP-2575) some JSON-RPC errors are also HTTP statuses; the transport calls this
    // with the first message it answers, while the status line can still change.
    private static ValueTask SetErrorStatus(HttpContext context, JsonRpcMessage? first)
    {
        if (first is JsonRpcError { Error: { } error }
            && string.CompareOrdinal(context.Request.Headers[ProtocolVersionHeader], "2026-07-28") >= 0)
        {
            context.Response.StatusCode = (McpErrorCode)error.Code switch
            {
                McpErrorCode.MethodNotFound => StatusCodes.Status404NotFound,
                McpErrorCode.UnsupportedProtocolVersion or McpErrorCode.MissingRequiredClientCapability or McpErrorCode.HeaderMismatch => StatusCodes.Status400BadRequest,
                _ => context.Response.StatusCode,
            };
        }

        return ValueTask.CompletedTask;
    }

    private static bool AcceptsJsonAndEventStream(HttpRequest request)
    {
        bool json = false, eventStream = false;
        foreach (var accept in request.GetTypedHeaders().Accept)
        {
            json |= accept.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || accept.MatchesAllTypes;
            eventStream |= accept.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase) || accept.MatchesAllTypes;
        }

        return json && eventStream;
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, McpErrorCode code, string message)
    {
        context.Response.StatusCode = status;
        var error = new JsonRpcError { Id = default, Error = new JsonRpcErrorDetail { Code = (int)code, Message = message } };
        return context.Response.WriteAsJsonAsync(error, ErrorType, contentType: "application/json", context.RequestAborted);
    }
}

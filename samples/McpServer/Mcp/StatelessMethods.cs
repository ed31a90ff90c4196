using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpServerSample.Mcp;

/// <summary>
/// GET and DELETE on the MCP endpoint. In stateless mode <c>MapMcp</c> maps only POST, and routing would answer the
/// other methods 405 before authentication runs; mapped here behind the same authorization, a caller without a token
/// gets the 401 challenge first (CONTRACT §8), and one with a token the 405 Streamable HTTP allows a sessionless server.
/// </summary>
internal static class StatelessMethods
{
    private static readonly JsonTypeInfo<JsonRpcError> ErrorType =
        (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError));

    public static IEndpointConventionBuilder MapMcpStatelessMethods(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Delete], context =>
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = HttpMethods.Post;
            var error = new JsonRpcError
            {
                Id = default,
                Error = new JsonRpcErrorDetail
                {
                    Code = (int)McpErrorCode.InvalidRequest,
                    Message = "Method Not Allowed: this server is stateless; send JSON-RPC messages with POST.",
                },
            };
            return context.Response.WriteAsJsonAsync(error, ErrorType, contentType: "application/json", context.RequestAborted);
        });
}

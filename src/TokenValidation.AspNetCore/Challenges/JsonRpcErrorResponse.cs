using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.Challenges;

/// <summary>The JSON-RPC error body of every 400/401/403/503: <c>{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"…"}}</c>.</summary>
internal sealed class JsonRpcErrorResponse(string message)
{
    [JsonPropertyName("jsonrpc")]
    public string JsonRpc => "2.0";

    // The request id is unknown here: JSON-RPC answers null.
    [JsonPropertyName("id")]
    public string? Id => null;

    [JsonPropertyName("error")]
    public JsonRpcError Error { get; } = new(message);
}

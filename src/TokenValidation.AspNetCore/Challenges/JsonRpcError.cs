using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.Challenges;

/// <summary>The <c>error</c> member of a JSON-RPC error body.</summary>
internal sealed class JsonRpcError(string message)
{
    [JsonPropertyName("code")]
    public int Code => McpBearerDefaults.JsonRpcErrorCode;

    [JsonPropertyName("message")]
    public string Message { get; } = message;
}

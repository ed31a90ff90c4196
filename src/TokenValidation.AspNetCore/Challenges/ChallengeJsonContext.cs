using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.Challenges;

/// <summary>Source-generated serialization of the JSON-RPC error body.</summary>
[JsonSerializable(typeof(JsonRpcErrorResponse))]
internal sealed partial class ChallengeJsonContext : JsonSerializerContext;

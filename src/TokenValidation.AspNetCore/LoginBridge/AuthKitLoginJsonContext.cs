using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>Source-generated JSON for the completion call (trim- and AOT-safe).</summary>
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CompletionResponse))]
internal sealed partial class AuthKitLoginJsonContext : JsonSerializerContext;

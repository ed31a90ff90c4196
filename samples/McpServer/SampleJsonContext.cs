using System.Text.Json;
using System.Text.Json.Serialization;
using McpServerSample.Development;
using McpServerSample.Mcp;

namespace McpServerSample;

/// <summary>Source-generated JSON for everything the sample writes: tool results and the AuthKit stand-in's answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WhoAmIResult))]
[JsonSerializable(typeof(AddNoteResult))]
[JsonSerializable(typeof(DevUserInfo))]
[JsonSerializable(typeof(DevAuthorizationServerMetadata))]
[JsonSerializable(typeof(DevTokenResponse))]
[JsonSerializable(typeof(DevOAuthError))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;

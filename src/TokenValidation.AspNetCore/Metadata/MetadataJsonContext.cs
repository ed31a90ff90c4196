using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>Source-generated serialization of the metadata documents this package writes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProtectedResourceMetadata))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;

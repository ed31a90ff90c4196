using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>The body of <c>POST /authkit/oauth2/complete</c>.</summary>
internal sealed record CompletionRequest(
    [property: JsonPropertyName("external_auth_id")] string ExternalAuthId,
    [property: JsonPropertyName("user")] AuthKitUser User);

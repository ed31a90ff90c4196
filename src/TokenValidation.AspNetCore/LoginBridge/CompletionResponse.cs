using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>The parts of the completion call's answers we read: <c>redirect_uri</c> on success, <c>message</c> on an error.</summary>
internal sealed record CompletionResponse(
    [property: JsonPropertyName("redirect_uri")] string? RedirectUri,
    [property: JsonPropertyName("message")] string? Message);

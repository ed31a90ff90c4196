using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// The parts of the completion call's answers we read: <c>redirect_uri</c> on success; on an error, WorkOS's
/// <c>message</c>, or an OAuth-style <c>error_description</c>.
/// </summary>
internal sealed record CompletionResponse(
    [property: JsonPropertyName("redirect_uri")] string? RedirectUri,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("error_description")] string? ErrorDescription);

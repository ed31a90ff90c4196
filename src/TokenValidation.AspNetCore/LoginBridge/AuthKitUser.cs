using System.Text.Json.Serialization;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// The signed-in user as the completion call tells AuthKit: AuthKit creates or updates its user with
/// <see cref="Id"/> as the external id, and the tokens it issues carry that user.
/// </summary>
/// <param name="Id">The application's own, stable user id. AuthKit keeps it as the user's <c>external_id</c>.</param>
/// <param name="Email">The user's email. AuthKit refuses an email that already belongs to a user with another id.</param>
/// <param name="FirstName">The first name, when known.</param>
/// <param name="LastName">The last name, when known.</param>
/// <param name="Metadata">String key/value pairs stored on the AuthKit user, when any.</param>
public sealed record AuthKitUser(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("first_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FirstName = null,
    [property: JsonPropertyName("last_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastName = null,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Metadata = null);

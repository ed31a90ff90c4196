namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>The application's own user, as an MCP server would keep it.</summary>
public sealed class AppUser
{
    public int Id { get; set; }

    /// <summary>Lower-cased; unique, so two first requests for one person cannot both create a row.</summary>
    public string? Email { get; set; }

    /// <summary>The AuthKit user id (<c>sub</c>) seen when the user was created; unique too.</summary>
    public required string Subject { get; set; }

    public string? Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

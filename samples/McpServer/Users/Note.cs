namespace McpServerSample.Users;

/// <summary>A note saved by the <c>add_note</c> tool, owned by a local user.</summary>
public sealed class Note
{
    /// <summary>The note's id.</summary>
    public int Id { get; set; }

    /// <summary>The owner: a local user id, or <see langword="null"/> for callers with no local user (API keys).</summary>
    public Guid? UserId { get; set; }

    /// <summary>The subject of the token that saved it.</summary>
    public required string Subject { get; set; }

    /// <summary>The text.</summary>
    public required string Text { get; set; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

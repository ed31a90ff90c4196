namespace TokenValidation.ApiKeys;

/// <summary>One API key as stored: its hash and who it stands for. Never the key itself.</summary>
public sealed class ApiKeyDescriptor
{
    /// <summary>A name for operators and logs (for example <c>ci-bot</c>). Required.</summary>
    public string Name { get; set; } = "";

    /// <summary>The SHA-256 of the key's UTF-8 bytes, 64 hex digits (case-insensitive). Required.</summary>
    public string Hash { get; set; } = "";

    /// <summary>The subject the key authenticates as. Defaults to <c>apikey:{Name}</c>.</summary>
    public string? Subject { get; set; }

    /// <summary>An optional email for the key's owner.</summary>
    public string? Email { get; set; }

    /// <summary>The scopes the key grants.</summary>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>When the key stops working; <see langword="null"/> for never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

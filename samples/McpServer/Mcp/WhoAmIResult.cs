namespace McpServerSample.Mcp;

/// <summary>The <c>whoami</c> tool's answer.</summary>
/// <param name="Subject">The token's subject: an AuthKit user id, or <c>apikey:{name}</c>.</param>
/// <param name="Email">The email, when the token has one.</param>
/// <param name="LocalUserId">This application's user id (AuthKit users), from the find-or-create mapper.</param>
/// <param name="Source">Which kind of token: <c>authkit</c> or <c>api_key</c>.</param>
/// <param name="Scopes">The token's scopes.</param>
public sealed record WhoAmIResult(string Subject, string? Email, string? LocalUserId, string Source, IReadOnlyList<string> Scopes);

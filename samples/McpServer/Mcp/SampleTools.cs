using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using McpServerSample.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using TokenValidation.AspNetCore;

namespace McpServerSample.Mcp;

/// <summary>
/// The sample's tools, registered with <c>WithTools&lt;SampleTools&gt;</c>. The caller arrives as the
/// <see cref="ClaimsPrincipal"/> the bearer scheme built; a tool's <c>[Authorize]</c> scopes are checked by
/// <c>RequireToolScopes()</c> on the MCP endpoint before the call is dispatched (HTTP 403 <c>insufficient_scope</c>).
/// </summary>
public sealed class SampleTools
{
    // Not static only because a static class cannot be WithTools' type argument; every tool is a static method.
    private SampleTools()
    {
    }

    /// <summary>The scope, and the name of the policy requiring it, that tools changing data need.</summary>
    public const string ToolsScope = "mcp:tools";

    /// <summary>
    /// Tool results through the source-generated <see cref="SampleJsonContext"/>, everything else through the SDK's own.
    /// Nulls are written: the generated output schema lists every property as required.
    /// </summary>
    internal static JsonSerializerOptions SerializerOptions { get; } = new(McpJsonUtilities.DefaultOptions)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(SampleJsonContext.Default, McpJsonUtilities.DefaultOptions.TypeInfoResolver),
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Who is calling. Needs only authentication.</summary>
    [McpServerTool(Name = "whoami", ReadOnly = true, UseStructuredContent = true)]
    [Description("Tells who is calling: the token's subject, email, scopes, the local user id and which kind of token it was.")]
    public static WhoAmIResult WhoAmI(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new WhoAmIResult(
            user.FindFirstValue(McpBearerDefaults.SubjectClaimType) ?? "",
            user.FindFirstValue(McpBearerDefaults.EmailClaimType),
            user.FindFirstValue(McpBearerDefaults.LocalUserIdClaimType),
            user.FindFirstValue(McpBearerDefaults.SourceClaimType) ?? "",
            [.. user.FindAll(McpBearerDefaults.ScopeClaimType).Select(c => c.Value)]);
    }

    /// <summary>Saves a note for the caller. Needs <see cref="ToolsScope"/>.</summary>
    [McpServerTool(Name = "add_note", Destructive = false, UseStructuredContent = true)]
    [Description("Saves a short note for the caller and says how many notes they have. Requires the mcp:tools scope.")]
    [Authorize(Policy = ToolsScope)]
    public static async Task<AddNoteResult> AddNote(
        [Description("The note, at most 500 characters.")] string text,
        ClaimsPrincipal user,
        SampleDbContext db,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(db);
        if (string.IsNullOrWhiteSpace(text) || text.Length > 500)
        {
            // Tool arguments come from the model: check them, and say what is wrong (McpException's message reaches it).
            throw new McpException("text must be 1 to 500 characters.");
        }

        string subject = user.FindFirstValue(McpBearerDefaults.SubjectClaimType)!;
        Guid? userId = Guid.TryParse(user.FindFirstValue(McpBearerDefaults.LocalUserIdClaimType), out var id) ? id : null;
        var note = new Note { UserId = userId, Subject = subject, Text = text, CreatedAt = DateTimeOffset.UtcNow };
        db.Notes.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        int count = await db.Notes.CountAsync(n => n.Subject == subject, cancellationToken);
        return new AddNoteResult(note.Id, count);
    }
}

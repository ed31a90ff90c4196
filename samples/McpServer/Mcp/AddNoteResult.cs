namespace McpServerSample.Mcp;

/// <summary>The <c>add_note</c> tool's answer.</summary>
/// <param name="NoteId">The saved note's id.</param>
/// <param name="NotesSaved">How many notes the caller has now.</param>
public sealed record AddNoteResult(int NoteId, int NotesSaved);

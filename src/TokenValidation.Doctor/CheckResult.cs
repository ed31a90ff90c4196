namespace TokenValidation.Doctor;

/// <summary>One line of the report.</summary>
/// <param name="Id">Stable name of the check (<c>prm-resource</c>), for scripts and CI.</param>
/// <param name="Title">What the check expects, in a few words.</param>
/// <param name="Status">The verdict.</param>
/// <param name="Saw">What was on the wire (never a token).</param>
/// <param name="Fix">How to fix it, for warn and fail; null on pass.</param>
/// <param name="Target">The URL the check is about when there are several of a kind (each authorization server).</param>
internal sealed record CheckResult(string Id, string Title, CheckStatus Status, string Saw, string? Fix = null, string? Target = null);

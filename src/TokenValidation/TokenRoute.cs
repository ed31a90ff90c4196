using TokenValidation.Resilience;

namespace TokenValidation;

/// <summary>
/// Where a token is dispatched: its validator, the name it goes by in metrics and logs, and how its answers are kept.
/// </summary>
/// <param name="Prefix">The prefix that selects it; <see langword="null"/> for the fallback and the JWT route.</param>
/// <param name="Validator">The validator asked on a cache miss.</param>
/// <param name="Name">The source name in metrics and logs.</param>
/// <param name="IsLocal">
/// Answers are computed in this process (an API key lookup, a JWT against cached keys): its negative answers are not
/// written to level 2, where they would cost more than asking again.
/// </param>
/// <param name="Bulkhead">Its own bound on calls in flight; <see langword="null"/> for a local validator, which never waits for one.</param>
internal sealed record TokenRoute(string? Prefix, ITokenValidator Validator, string Name, bool IsLocal, UpstreamBulkhead? Bulkhead);

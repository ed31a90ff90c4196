namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>An error page's content.</summary>
/// <param name="StatusCode">The response's status: 400, 403, 502 or 503.</param>
/// <param name="Title">One line: what went wrong.</param>
/// <param name="Detail">What the user can do about it.</param>
/// <param name="RetryUrl">A relative link that tries again (503 only), or <see langword="null"/>.</param>
public sealed record AuthKitLoginProblem(int StatusCode, string Title, string Detail, string? RetryUrl = null);

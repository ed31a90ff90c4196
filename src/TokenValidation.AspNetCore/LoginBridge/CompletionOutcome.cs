namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>How the completion call ended.</summary>
internal enum CompletionStatus
{
    /// <summary>AuthKit answered with a <c>redirect_uri</c>.</summary>
    Completed,

    /// <summary>AuthKit refused this sign-in (a 4xx other than 401/403/408/429): expired id, email linked elsewhere.</summary>
    Refused,

    /// <summary>AuthKit refused the API key (401/403): the application's configuration, not the user.</summary>
    KeyRejected,

    /// <summary>We could not find out: timeout, connection failure, 408, 429, 5xx, open circuit.</summary>
    Unavailable,

    /// <summary>A success whose body has no usable <c>redirect_uri</c>, or a status we cannot read.</summary>
    BadAnswer,
}

/// <summary>The completion call's outcome.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="RedirectUri">The <c>redirect_uri</c> (<see cref="CompletionStatus.Completed"/> only), not yet checked.</param>
/// <param name="HttpStatus">AuthKit's HTTP status, or 0 when there was no answer.</param>
/// <param name="Message">AuthKit's error message for a refusal, shortened; or why it was unavailable.</param>
internal sealed record CompletionOutcome(CompletionStatus Status, string? RedirectUri = null, int HttpStatus = 0, string? Message = null);

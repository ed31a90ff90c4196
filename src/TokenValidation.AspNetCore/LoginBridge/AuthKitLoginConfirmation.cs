namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>What the confirmation page shows and posts.</summary>
/// <param name="ApplicationName">The application's name.</param>
/// <param name="User">The signed-in user, as the completion call will describe them.</param>
/// <param name="FormAction">Where the form POSTs: the Login URI with its <c>external_auth_id</c>, relative to the host.</param>
/// <param name="AntiforgeryFieldName">The form field the antiforgery token goes in.</param>
/// <param name="AntiforgeryToken">The antiforgery request token, bound to this user.</param>
public sealed record AuthKitLoginConfirmation(
    string ApplicationName,
    AuthKitUser User,
    string FormAction,
    string AntiforgeryFieldName,
    string AntiforgeryToken);

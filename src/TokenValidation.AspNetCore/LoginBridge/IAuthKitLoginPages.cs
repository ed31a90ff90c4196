using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>
/// Writes the Login URI's two pages. The default is plain HTML; register your own
/// (<c>services.AddSingleton&lt;IAuthKitLoginPages, MyPages&gt;()</c>) to match the application's look. The endpoint
/// has already set the status code and the security headers (no caching, no framing, no referrer) when these run.
/// </summary>
public interface IAuthKitLoginPages
{
    /// <summary>
    /// The confirmation page: a form that POSTs to <see cref="AuthKitLoginConfirmation.FormAction"/> with the
    /// antiforgery field <see cref="AuthKitLoginConfirmation.AntiforgeryFieldName"/> set to
    /// <see cref="AuthKitLoginConfirmation.AntiforgeryToken"/>. Encode every value written into the HTML.
    /// </summary>
    Task WriteConfirmationAsync(HttpContext context, AuthKitLoginConfirmation confirmation);

    /// <summary>An error page: what went wrong and what the user can do; a retry link when there is one.</summary>
    Task WriteProblemAsync(HttpContext context, AuthKitLoginProblem problem);
}

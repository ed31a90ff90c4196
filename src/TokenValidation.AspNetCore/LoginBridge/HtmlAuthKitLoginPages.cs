using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace TokenValidation.AspNetCore.LoginBridge;

/// <summary>The default pages: small, self-contained HTML with every value encoded.</summary>
internal sealed class HtmlAuthKitLoginPages : IAuthKitLoginPages
{
    private const string Style = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"
        + "button{font-size:1rem;padding:.5rem 1.25rem}";

    public Task WriteConfirmationAsync(HttpContext context, AuthKitLoginConfirmation confirmation)
    {
        // Stryker disable Statement : an internal class the endpoint calls with its own non-null values.
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(confirmation);
        // Stryker restore Statement
        var e = HtmlEncoder.Default;
        string app = e.Encode(confirmation.ApplicationName);
        var user = confirmation.User;
        string name = string.Join(' ', new[] { user.FirstName, user.LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        string who = name.Length > 0 ? $"{e.Encode(name)} ({e.Encode(user.Email)})" : e.Encode(user.Email);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connect ").Append(app).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head><body>")
            .Append("<h1>Connect ").Append(app).Append(" to an MCP client as ").Append(who).Append("?</h1>")
            .Append("<p>An MCP client (an AI assistant or another tool) asked to act as you in ").Append(app)
            .Append(". Allow it only if you started connecting it yourself just now. If you did not, close this page.</p>")
            .Append("<form method=\"post\" action=\"").Append(e.Encode(confirmation.FormAction)).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(e.Encode(confirmation.AntiforgeryFieldName))
            .Append("\" value=\"").Append(e.Encode(confirmation.AntiforgeryToken)).Append("\">")
            .Append("<button type=\"submit\">Allow</button></form></body></html>");
        return WriteAsync(context, html.ToString());
    }

    public Task WriteProblemAsync(HttpContext context, AuthKitLoginProblem problem)
    {
        // Stryker disable Statement : an internal class the endpoint calls with its own non-null values.
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        // Stryker restore Statement
        var e = HtmlEncoder.Default;
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(e.Encode(problem.Title)).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head><body>")
            .Append("<h1>").Append(e.Encode(problem.Title)).Append("</h1>")
            .Append("<p>").Append(e.Encode(problem.Detail)).Append("</p>");
        if (problem.RetryUrl is not null)
        {
            html.Append("<p><a href=\"").Append(e.Encode(problem.RetryUrl)).Append("\">Try again</a></p>");
        }

        return WriteAsync(context, html.Append("</body></html>").ToString());
    }

    private static Task WriteAsync(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
    }
}

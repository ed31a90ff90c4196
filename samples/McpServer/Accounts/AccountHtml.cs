using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace McpServerSample.Accounts;

/// <summary>The account pages' HTML: plain forms, every value encoded.</summary>
internal static class AccountHtml
{
    private const string Style = "body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem}"
        + "label{display:block;margin:.75rem 0}input{display:block;width:100%;padding:.4rem}.error{color:#b00}";

    public static IResult Page(string title, string body, int statusCode = StatusCodes.Status200OK)
    {
        string html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + E(title) + "</title><style>" + Style
            + "</style></head><body><h1>" + E(title) + "</h1>" + body + "</body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>A form posting to <paramref name="action"/> with the antiforgery field, <paramref name="fields"/> and a button.</summary>
    public static string Form(string action, AntiforgeryTokenSet tokens, string fields, string button) =>
        $"""<form method="post" action="{E(action)}"><input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken ?? "")}">{fields}<button type="submit">{E(button)}</button></form>""";

    public static string Input(string label, string name, string type, string? value = null) =>
        $"""<label>{E(label)}<input name="{E(name)}" type="{E(type)}" value="{E(value ?? "")}" required></label>""";

    public static string Error(string? message) => message is null ? "" : $"""<p class="error">{E(message)}</p>""";

    public static string E(string value) => HtmlEncoder.Default.Encode(value);
}

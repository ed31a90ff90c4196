using System.Globalization;
using System.Security.Claims;
using McpServerSample.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TokenValidation.AspNetCore.UserMapping;
using TokenValidation.AspNetCore.LoginBridge;

namespace McpServerSample.Accounts;

/// <summary>
/// The sample's own users and sign-in, as an existing application has them: a cookie, a password form over the SQLite
/// <c>Users</c> table (passwords hashed with Identity's <see cref="PasswordHasher{TUser}"/>), a sign-up form, and the
/// AuthKit Login URI that lets MCP clients act as these users.
/// </summary>
public static class SampleAccounts
{
    /// <summary>The Login URI to configure in AuthKit: <c>{origin}/login/mcp</c>.</summary>
    public const string LoginUriPath = "/login/mcp";

    /// <summary>The sign-in form; the cookie scheme's challenge comes here with a <c>ReturnUrl</c>.</summary>
    public const string SignInPath = "/account/login";

    /// <summary>The sign-up form.</summary>
    public const string SignUpPath = "/account/register";

    /// <summary>Who is signed in.</summary>
    public const string AccountPath = "/account";

    private const string SignOutPath = "/account/logout";
    private const int MinPasswordLength = 8;
    private static readonly PasswordHasher<AppUser> Hasher = new();

    // Verified when the email is unknown, so a wrong email costs what a wrong password costs.
    private static readonly string DecoyHash = Hasher.HashPassword(new AppUser(), "decoy password");

    /// <summary>The cookie sign-in and the Login URI's services (options from <c>TokenValidation:AuthKitLogin</c>).</summary>
    public static void AddSampleAccounts(this WebApplicationBuilder builder, IConfiguration tokenValidation)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthentication()
            .AddCookie(o =>
            {
                o.LoginPath = SignInPath;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        builder.Services.AddAuthKitLogin(tokenValidation, o => o.ApplicationName ??= "the TokenValidation sample");
        builder.Services.AddScoped<IAuthKitUserFactory, SampleAuthKitUserFactory>();
    }

    /// <summary>Maps the account pages and the Login URI.</summary>
    public static void MapSampleAccounts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(SignInPath, context => ShowSignInAsync(context, null));
        app.MapPost(SignInPath, SignInAsync);
        app.MapGet(SignUpPath, context => ShowSignUpAsync(context, null));
        app.MapPost(SignUpPath, SignUpAsync);
        app.MapGet(AccountPath, ShowAccountAsync);
        app.MapPost(SignOutPath, SignOutAsync);
        app.MapAuthKitLogin(LoginUriPath);
    }

    private static Task ShowSignInAsync(HttpContext context, string? error, string? email = null)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        string returnUrl = ReturnUrl(context);
        string body = AccountHtml.Error(error)
            + AccountHtml.Form(
                SignInPath + Query(returnUrl),
                tokens,
                AccountHtml.Input("Email", "email", "email", email) + AccountHtml.Input("Password", "password", "password"),
                "Sign in")
            + $"""<p>No account yet? <a href="{AccountHtml.E(SignUpPath + Query(returnUrl))}">Create one</a>.</p>""";
        return AccountHtml.Page("Sign in", body, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest).ExecuteAsync(context);
    }

    private static Task ShowSignUpAsync(HttpContext context, string? error, string? email = null, string? name = null)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        string returnUrl = ReturnUrl(context);
        string body = AccountHtml.Error(error)
            + AccountHtml.Form(
                SignUpPath + Query(returnUrl),
                tokens,
                AccountHtml.Input("Name", "name", "text", name) + AccountHtml.Input("Email", "email", "email", email)
                    + AccountHtml.Input($"Password (at least {MinPasswordLength} characters)", "password", "password"),
                "Create account")
            + $"""<p>Already have one? <a href="{AccountHtml.E(SignInPath + Query(returnUrl))}">Sign in</a>.</p>""";
        return AccountHtml.Page("Create an account", body, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest).ExecuteAsync(context);
    }

    private static async Task SignInAsync(HttpContext context)
    {
        if (await FormAsync(context) is not { } form)
        {
            return;
        }

        string email = Normalize(form["email"]);
        string password = form["password"].ToString();
        var db = context.RequestServices.GetRequiredService<SampleDbContext>();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, context.RequestAborted);
        var stored = user is null ? null : await db.Set<LocalPassword>().FindAsync([user.Id], context.RequestAborted);
        var result = Hasher.VerifyHashedPassword(user ?? new AppUser(), stored?.Hash ?? DecoyHash, password);
        if (user is null || stored is null || result == PasswordVerificationResult.Failed)
        {
            await ShowSignInAsync(context, "The email or the password is wrong.", email);
            return;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            stored.Hash = Hasher.HashPassword(user, password);
            await db.SaveChangesAsync(context.RequestAborted);
        }

        await SignInAndReturnAsync(context, user);
    }

    private static async Task SignUpAsync(HttpContext context)
    {
        if (await FormAsync(context) is not { } form)
        {
            return;
        }

        string email = Normalize(form["email"]);
        string name = form["name"].ToString().Trim();
        string password = form["password"].ToString();
        if (email.Length is 0 or > 254 || !email.Contains('@', StringComparison.Ordinal) || name.Length is 0 or > 100)
        {
            await ShowSignUpAsync(context, "Enter your name and a valid email address.", email, name);
            return;
        }

        if (password.Length < MinPasswordLength)
        {
            await ShowSignUpAsync(context, $"The password needs at least {MinPasswordLength} characters.", email, name);
            return;
        }

        var db = context.RequestServices.GetRequiredService<SampleDbContext>();
        var user = new AppUser { Id = Guid.NewGuid(), Email = email, Name = name, CreatedAt = DateTimeOffset.UtcNow };
        db.Users.Add(user);
        db.Set<LocalPassword>().Add(new LocalPassword { Id = user.Id, Hash = Hasher.HashPassword(user, password) });
        try
        {
            await db.SaveChangesAsync(context.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // The unique email index: the address is taken (by a password user or one an AuthKit token created).
            await ShowSignUpAsync(context, "An account with this email already exists.", email, name);
            return;
        }

        await SignInAndReturnAsync(context, user);
    }

    private static async Task ShowAccountAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            await context.ChallengeAsync(CookieAuthenticationDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = AccountPath });
            return;
        }

        context.User = result.Principal;
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var user = result.Principal;
        string body = $"""
            <p>Signed in as {AccountHtml.E(user.FindFirstValue(ClaimTypes.Name) ?? "")} ({AccountHtml.E(user.FindFirstValue(ClaimTypes.Email) ?? "")}).</p>
            <p>Local user id: <code>{AccountHtml.E(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "")}</code></p>
            """ + AccountHtml.Form(SignOutPath, tokens, "", "Sign out");
        await AccountHtml.Page("Your account", body).ExecuteAsync(context);
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        context.User = result.Principal ?? context.User;
        if (await FormAsync(context) is null)
        {
            return;
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        context.Response.Redirect(SignInPath);
    }

    private static async Task SignInAndReturnAsync(HttpContext context, AppUser user)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString("D", CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Email, user.Email!),
                new Claim(ClaimTypes.Name, user.Name ?? user.Email!),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        string returnUrl = ReturnUrl(context);
        context.Response.Redirect(returnUrl.Length > 0 ? returnUrl : AccountPath);
    }

    // The form, once its antiforgery token checks out; otherwise a 400 is written and null returned.
    private static async Task<IFormCollection?> FormAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (AntiforgeryValidationException)
        {
            await AccountHtml.Page("Form expired", "<p>Go back, reload the page and try again.</p>", StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return null;
        }
    }

    // Only a path on this site: an open redirect on a sign-in page is a phishing tool.
    private static string ReturnUrl(HttpContext context)
    {
        string url = context.Request.Query["ReturnUrl"].ToString();
        return url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "";
    }

    private static string Query(string returnUrl) => returnUrl.Length == 0 ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl);

    // The mapper's normalisation (ASCII letters only), so an address typed here and the same address in a token meet.
    private static string Normalize(Microsoft.Extensions.Primitives.StringValues email) => McpUserEmail.Normalize(email.ToString()) ?? "";
}

namespace TokenValidation.AspNetCore;

/// <summary>
/// What the MCP bearer handler lets the application decide. Set the <c>On…</c> delegates, or derive and override
/// the methods (register the derived type with <see cref="Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions.EventsType"/>).
/// </summary>
public class McpBearerEvents
{
    /// <summary>
    /// After a token was validated and its principal built: add claims to <c>context.Principal</c>,
    /// or reject with <see cref="Microsoft.AspNetCore.Authentication.ResultContext{TOptions}.Fail(string)"/> (answered as
    /// 401 <c>invalid_token</c> with that description).
    /// </summary>
    public Func<McpBearerTokenValidatedContext, Task> OnTokenValidated { get; set; } = _ => Task.CompletedTask;

    /// <summary>
    /// Before a 400/401/503 answer is written: change its parts, or write your own answer and call
    /// <see cref="McpBearerChallengeContext.HandleResponse"/>.
    /// </summary>
    public Func<McpBearerChallengeContext, Task> OnChallenge { get; set; } = _ => Task.CompletedTask;

    /// <summary>
    /// Before a 403 answer is written: change its parts, or write your own answer and call
    /// <see cref="McpBearerForbiddenContext.HandleResponse"/>.
    /// </summary>
    public Func<McpBearerForbiddenContext, Task> OnForbidden { get; set; } = _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnTokenValidated"/>.</summary>
    public virtual Task TokenValidated(McpBearerTokenValidatedContext context) => OnTokenValidated(context);

    /// <summary>Invokes <see cref="OnChallenge"/>.</summary>
    public virtual Task Challenge(McpBearerChallengeContext context) => OnChallenge(context);

    /// <summary>Invokes <see cref="OnForbidden"/>.</summary>
    public virtual Task Forbidden(McpBearerForbiddenContext context) => OnForbidden(context);
}

using Microsoft.AspNetCore.Builder;

namespace TokenValidation.AspNetCore.Tests.Infrastructure;

/// <summary>What a test changes about <see cref="McpTestApp"/>.</summary>
internal sealed class McpTestAppOptions(string authority)
{
    public Dictionary<string, string?> Settings { get; } = McpTestApp.DefaultSettings(authority);

    public string Environment { get; set; } = "Production";

    /// <summary>Collect every log record at every level (Trace up) with the framework's fake logger; read them from <see cref="McpTestApp.Logs"/>.</summary>
    public bool CaptureLogs { get; set; }

    public Action<TokenValidationBuilder>? TokenValidation { get; set; }

    public Action<McpBearerOptions>? Bearer { get; set; }

    public Action<WebApplicationBuilder>? Services { get; set; }

    public Action<WebApplication>? BeforeRouting { get; set; }
}

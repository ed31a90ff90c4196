using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TokenValidation.AspNetCore.Tests.LoginBridge;

/// <summary>
/// The WorkOS API's completion endpoint on real Kestrel: counts calls, keeps the last Authorization header and body,
/// and answers what the test sets (<see cref="Answer"/>), or never (<see cref="Hang"/>).
/// </summary>
internal sealed class WorkOsApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;
    private int _disposed;

    private WorkOsApiStandIn(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Calls to <c>POST /authkit/oauth2/complete</c> so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public string? LastAuthorization { get; private set; }

    public JsonObject? LastBody { get; private set; }

    /// <summary>The status and JSON body of the next answers. Default: 200 with a redirect_uri on the authority.</summary>
    public (int Status, string Body) Answer { get; set; } = (200, """{"redirect_uri":"https://tenant.authkit.test/oauth2/authorize/complete?state=s1"}""");

    /// <summary>Never answer (until the caller gives up).</summary>
    public bool Hang { get; set; }

    /// <summary>When set, the next call only gets a 307 to this URL (then it is cleared, so a followed redirect gets <see cref="Answer"/>).</summary>
    public string? RedirectOnce { get; set; }

    public static async Task<WorkOsApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WorkOsApiStandIn? standIn = null;
        app.MapPost("/authkit/oauth2/complete", async context => await standIn!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn = new WorkOsApiStandIn(app, new Uri(address).Port);
        return standIn;
    }

    /// <summary>Stops listening (once): connections are then refused.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Held requests are aborted by the dispose below.
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        LastAuthorization = context.Request.Headers.Authorization;
        LastBody = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        if (RedirectOnce is { } location)
        {
            RedirectOnce = null;
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = location;
            return;
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = Answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Answer.Body);
    }
}

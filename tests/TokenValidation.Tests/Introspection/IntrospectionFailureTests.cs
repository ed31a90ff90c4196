using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using TokenValidation.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace TokenValidation.Tests.Introspection;

/// <summary>
/// CONTRACT §4 and §12, the ways introspection fails, each Unavailable (never <c>invalid_token</c>) with what the caller
/// is told and what the operator's log says: our credentials refused; a server error, by status; an answer over the size
/// limit; a body that never ends, cut by the timeout; an open circuit, without a call; and discovery, logged when it finds
/// the endpoint and as an error naming why when it does not (no endpoint, or one that is not http(s)); a broken answer, a
/// warning naming what is wrong; a refused one, a Debug log naming the rule.
/// </summary>
public sealed class IntrospectionFailureTests
{
    private const string Resource = IntrospectionHost.Resource;
    private const string Unreachable = "The authorization server could not be reached.";

    [Fact]
    public async Task Credentials_refused_tell_the_caller_the_server_refused_to_check_the_token()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:ClientSecret"] = "wrong-secret-value-123" });

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The authorization server refused to check the token.", result.ErrorDescription);
    }

    [Fact]
    public async Task A_server_error_is_logged_with_its_status()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:DefaultRetryAfterSeconds"] = "7" });
        host.Server.IntrospectionBehavior = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(Unreachable, result.ErrorDescription);
        Assert.Contains(Warnings(host), m => m.EndsWith("failed: HTTP 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunked_answer_over_the_size_limit_is_unavailable_and_logged_as_such()
    {
        // A configured endpoint: the issuer's metadata document alone is larger than this limit.
        await using var server = await AuthorizationServerStandIn.StartAsync();
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Introspection:MaxResponseBytes"] = "256",
            ["TokenValidation:Introspection:Endpoint"] = server.IntrospectionEndpoint,
        });
        server.IntrospectionBehavior = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"active":true,"sub":"user_01","pad":""" + "\"" + new string('x', 1000) + "\"}");
        };

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Contains(Warnings(host), m => m.EndsWith("failed: answer over the size limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_body_that_never_ends_is_cut_by_the_timeout_and_the_issuer_is_unreachable()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:Timeout"] = "00:00:01" });
        host.Server.IntrospectionBehavior = async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"active":""");
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };

        var clock = Stopwatch.StartNew();
        var result = await host.Validation.ValidateAsync(NewToken()).AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal(Unreachable, result.ErrorDescription);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_open_circuit_answers_unavailable_at_once_without_calling_the_endpoint()
    {
        await using var host = await IntrospectionHost.StartAsync();
        host.Server.IntrospectionBehavior = context => { context.Response.StatusCode = 503; return Task.CompletedTask; };

        // The package's defaults: at least 100 attempts (50 misses, each retried once), all failing, open the circuit.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await host.Validation.ValidateAsync(NewToken()))));
        int calls = host.Server.IntrospectionCalls;
        using var rejections = new MetricCollector<long>(host.Core.Services.GetRequiredService<IMeterFactory>(), "TokenValidation", "tokenvalidation.circuit.rejections");
        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        Assert.Equal("The authorization server is unavailable.", result.ErrorDescription);
        Assert.NotNull(result.RetryAfter);
        Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
        Assert.Equal(calls, host.Server.IntrospectionCalls);
        var rejection = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal(TokenSources.Introspection, rejection.Tags["tokenvalidation.source"]);
    }

    [Fact]
    public async Task A_discovered_endpoint_is_logged_once_and_no_endpoint_anywhere_is_an_error_saying_so()
    {
        await using var host = await IntrospectionHost.StartAsync(issuerPath: "/tenant-d");
        string token = NewToken();
        host.Server.AddActiveToken(token, "user_01", Resource);

        Assert.Equal(TokenValidationOutcome.Valid, (await host.Validation.ValidateAsync(token)).Outcome);
        var discovered = Assert.Single(host.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Information && l.Message.Contains("discovered at", StringComparison.Ordinal));
        Assert.Contains(host.Server.IntrospectionEndpoint, discovered.Message, StringComparison.Ordinal);

        await using var elsewhere = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Introspection:Issuer"] = host.Server.Origin + "/no-such-tenant",
        });
        Assert.Equal(TokenValidationOutcome.Unavailable, (await elsewhere.Validation.ValidateAsync(NewToken())).Outcome);
        var error = Assert.Single(elsewhere.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Error);
        Assert.Contains("no metadata document names an introspection_endpoint for this issuer", error.Message, StringComparison.Ordinal);
        Assert.Contains(Warnings(elsewhere), m => m.EndsWith("failed: no introspection endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_metadata_endpoint_that_is_not_an_http_url_is_refused_with_an_error_naming_why()
    {
        // An issuer of its own whose metadata names an ftp endpoint (the stand-in always names its own http one).
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var metadata = builder.Build();
        string origin = "";
        metadata.Run(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"issuer":"{{origin}}","introspection_endpoint":"ftp://127.0.0.1/introspect"}""");
        });
        await metadata.StartAsync();
        origin = metadata.Urls.First().TrimEnd('/');
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?> { ["TokenValidation:Introspection:Issuer"] = origin });

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Unavailable, result.Outcome);
        var error = Assert.Single(host.Core.Logs.GetSnapshot(), l => l.Level == LogLevel.Error);
        Assert.Contains("names an introspection_endpoint that is not an https URL", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.Server.IntrospectionCalls);
    }

    [Fact]
    public async Task A_space_in_the_client_id_travels_form_encoded_and_arrives_as_a_space()
    {
        await using var host = await IntrospectionHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:Introspection:ClientAuthentication"] = "ClientSecretPost",
            ["TokenValidation:Introspection:ClientId"] = "resource server",
        });

        await host.Validation.ValidateAsync(NewToken());

        Assert.Equal("resource server", host.Server.LastIntrospectionForm!["client_id"]);
    }

    [Fact]
    public async Task A_broken_answer_is_a_warning_naming_what_is_wrong_with_it()
    {
        await using var host = await IntrospectionHost.StartAsync();
        AnswerWith(host, """{"active":"yes"}""");

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(Unreachable, result.ErrorDescription);
        Assert.Contains(Warnings(host), m => m.EndsWith("failed: answer is not a JSON object with a boolean active", StringComparison.Ordinal));
    }

    // The caller is told only invalid_token; why is the operator's, in a Debug log, one reason per rule.
    [Theory]
    [InlineData("""{"active":false}""", "not active")]
    [InlineData("""{"active":true,"sub":"user_01","iss":"https://other.example.com","aud":"https://mcp.example.com/mcp"}""", "wrong issuer")]
    [InlineData("""{"active":true,"sub":"user_01","exp":1000,"aud":"https://mcp.example.com/mcp"}""", "expired")]
    [InlineData("""{"active":true,"sub":"user_01"}""", "no audience")]
    [InlineData("""{"active":true,"sub":"user_01","aud":"https://other.example.com/mcp"}""", "wrong audience")]
    [InlineData("""{"active":true,"aud":"https://mcp.example.com/mcp"}""", "neither sub nor client_id")]
    public async Task A_refused_answer_is_a_debug_log_naming_the_rule(string answer, string reason)
    {
        await using var host = await IntrospectionHost.StartAsync();
        AnswerWith(host, answer);

        var result = await host.Validation.ValidateAsync(NewToken());

        Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
        var rejected = Assert.Single(host.Core.Logs.GetSnapshot(), l => l.Message.StartsWith("Introspected token", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, rejected.Level);
        Assert.EndsWith("rejected: " + reason, rejected.Message, StringComparison.Ordinal);
    }

    private static void AnswerWith(IntrospectionHost host, string json) =>
        host.Server.IntrospectionBehavior = context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(json);
        };

    private static string NewToken() => "opaque-" + Guid.NewGuid().ToString("N");

    private static List<string> Warnings(IntrospectionHost host) =>
        [.. host.Core.Logs.GetSnapshot().Where(l => l.Level == LogLevel.Warning && l.Message.StartsWith("Introspection of token", StringComparison.Ordinal)).Select(l => l.Message)];
}

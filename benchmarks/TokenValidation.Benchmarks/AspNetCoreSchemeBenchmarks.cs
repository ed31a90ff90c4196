using System.Security.Claims;
using System.Text.Encodings.Web;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TokenValidation.AspNetCore;
using TokenValidation.Benchmarks.Shared;
using TokenValidation.Parsing;
using TokenValidation.Testing;

namespace TokenValidation.Benchmarks;

/// <summary>
/// Where the end-to-end overhead of an authenticated request goes, without sockets: the same L1 hit, alone and inside
/// ASP.NET Core's authentication (a bare <see cref="AuthenticationHandler{TOptions}"/> over the core, and the product's
/// <c>AddMcpBearer</c> scheme) and authorization (a <c>RequireScopes("mcp:tools")</c> policy through
/// <see cref="IPolicyEvaluator"/>, as the authorization middleware does). Not a §10 row: it explains the e2e figure.
/// </summary>
/// <remarks>
/// Each HttpContext row builds a request the way Kestrel hands one over: a <see cref="DefaultHttpContext"/> with the
/// Authorization header and a fresh DI scope as RequestServices (authentication handlers are per request).
/// <see cref="NewRequest"/> prices that part alone.
/// </remarks>
[MemoryDiagnoser]
public class AspNetCoreSchemeBenchmarks
{
    private const string BareScheme = "Bare";
    private const string FixedTicketScheme = "FixedTicket";

    private readonly string _token = BenchmarkData.Token;
    private AuthKitStandIn _standIn = null!;
    private ServiceProvider _provider = null!;
    private IServiceScopeFactory _scopes = null!;
    private ITokenValidationService _service = null!;
    private IPolicyEvaluator _policyEvaluator = null!;
    private AuthorizationPolicy _policy = null!;
    private StringValues _authorization;

    [GlobalSetup]
    public void Setup()
    {
        _standIn = AuthKitStandIn.StartAsync().GetAwaiter().GetResult();
        _standIn.AddUser(_token, BenchmarkData.Subject, BenchmarkData.Email, BenchmarkData.Name, BenchmarkData.UserInfoExtra);
        _provider = BenchmarkData.BuildProvider(_standIn.Authority, services: s =>
        {
            s.AddAuthentication()
                .AddScheme<AuthenticationSchemeOptions, BareBearerHandler>(BareScheme, null)
                .AddScheme<AuthenticationSchemeOptions, FixedTicketHandler>(FixedTicketScheme, null)
                .AddMcpBearer(o =>
                {
                    o.Resource = BenchmarkData.Audience;
                    o.Scopes = ["mcp:tools"];
                });
            s.AddAuthorization();
            s.AddRouting(); // the authorization policy cache of ASP.NET Core wants an EndpointDataSource
        });
        _scopes = _provider.GetRequiredService<IServiceScopeFactory>();
        _service = _provider.GetRequiredService<ITokenValidationService>();
        _policyEvaluator = _provider.GetRequiredService<IPolicyEvaluator>();
        _policy = new AuthorizationPolicyBuilder().RequireScopes("mcp:tools").Build();
        _authorization = new StringValues("Bearer " + _token);

        BenchmarkData.Expect(L1Hit().IsValid, "the token validates");
        BenchmarkData.Expect(HeaderAndL1Hit().IsValid, "the header reads and validates");
        BenchmarkData.Expect(FrameworkFloorAuthenticate().GetAwaiter().GetResult(), "the fixed-ticket scheme authenticates");
        BenchmarkData.Expect(BareSchemeAuthenticate().GetAwaiter().GetResult(), "the bare scheme authenticates");
        BenchmarkData.Expect(McpBearerAuthenticate().GetAwaiter().GetResult(), "AddMcpBearer authenticates");
        BenchmarkData.Expect(McpBearerAuthenticateAndAuthorize().GetAwaiter().GetResult(), "AddMcpBearer authorizes mcp:tools");
        BenchmarkData.Expect(_standIn.UserInfoCalls == 1, $"every later validation is an L1 hit (saw {_standIn.UserInfoCalls} userinfo calls)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Check: userinfo calls during the run = {_standIn.UserInfoCalls - 1} (0 means every measured validation was an L1 hit).");
        _provider.Dispose();
        _standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The core's L1 hit (as in <see cref="L1HitBenchmarks"/>).</summary>
    [Benchmark(Baseline = true)]
    public TokenCheckResult L1Hit() => BenchmarkData.Result(_service.ValidateAsync(_token));

    /// <summary>Reading the Authorization header (RFC 6750 checks, the token string) and the L1 hit: the core's whole share.</summary>
    [Benchmark]
    public TokenCheckResult HeaderAndL1Hit()
    {
        var read = BearerTokenReader.Read(_authorization);
        return BenchmarkData.Result(_service.ValidateAsync(read.Token!));
    }

    /// <summary>A request context with the header and a DI scope, and nothing else (the part the rows below share).</summary>
    [Benchmark]
    public int NewRequest()
    {
        using var scope = _scopes.CreateScope();
        var context = NewContext(scope);
        return context.Request.Headers.Authorization.Count;
    }

    /// <summary>
    /// The framework's own floor: a handler that reads nothing and returns one ticket built once (no token, no principal
    /// per request). What any authentication scheme costs per request before it does anything.
    /// </summary>
    [Benchmark]
    public async Task<bool> FrameworkFloorAuthenticate()
    {
        using var scope = _scopes.CreateScope();
        var result = await NewContext(scope).AuthenticateAsync(FixedTicketScheme).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>A bare AuthenticationHandler over the core: header, L1 hit, a small ClaimsPrincipal.</summary>
    [Benchmark]
    public async Task<bool> BareSchemeAuthenticate()
    {
        using var scope = _scopes.CreateScope();
        var result = await NewContext(scope).AuthenticateAsync(BareScheme).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>The product's scheme (<c>AddMcpBearer</c>): header, L1 hit, its principal, its TokenValidated event.</summary>
    [Benchmark]
    public async Task<bool> McpBearerAuthenticate()
    {
        using var scope = _scopes.CreateScope();
        var result = await NewContext(scope).AuthenticateAsync(McpBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary><see cref="McpBearerAuthenticate"/> plus authorizing <c>RequireScopes("mcp:tools")</c> as the authorization middleware does.</summary>
    [Benchmark]
    public async Task<bool> McpBearerAuthenticateAndAuthorize()
    {
        using var scope = _scopes.CreateScope();
        var context = NewContext(scope);
        var authenticated = await context.AuthenticateAsync(McpBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        context.User = authenticated.Principal!;
        var authorized = await _policyEvaluator.AuthorizeAsync(_policy, authenticated, context, resource: null).ConfigureAwait(false);
        return authorized.Succeeded;
    }

    private DefaultHttpContext NewContext(IServiceScope scope)
    {
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = _authorization;
        return context;
    }
}

/// <summary>Answers every request with the same ticket, built once: the framework's per-request cost with nothing of ours.</summary>
internal sealed class FixedTicketHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly AuthenticateResult Result = AuthenticateResult.Success(new AuthenticationTicket(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "user")], "FixedTicket")), "FixedTicket"));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(Result);
}

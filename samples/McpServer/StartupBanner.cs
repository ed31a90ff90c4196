using McpServerSample.Development;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore;

namespace McpServerSample;

/// <summary>What to call, printed once the server listens; in Development also a ready token and <c>curl</c>.</summary>
internal static class StartupBanner
{
    public const string InitializeRequest =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1.0"}}}""";

    public static void Print(IServiceProvider services, TextWriter output)
    {
        string resource = services.GetRequiredService<IOptionsMonitor<McpBearerOptions>>().Get(McpBearerDefaults.AuthenticationScheme).Resource!;
        string metadata = new Uri(resource).GetLeftPart(UriPartial.Authority) + McpBearerDefaults.ProtectedResourceMetadataPath;
        output.WriteLine($"""

            MCP endpoint:                {resource}
            Protected Resource Metadata: {metadata}
            """);

        // The one place a token is printed on purpose: the stand-in's, which exists only in Development.
        if (services.GetService<DevAuthKit>() is { } devAuthKit)
        {
            output.WriteLine($"""
                AuthKit stand-in (Development only): {devAuthKit.Authority}
                Token for {devAuthKit.DevUser.Email} (scopes: {string.Join(' ', devAuthKit.Scopes)}):
                  {devAuthKit.DevToken}
                Try it:
                  curl -i {resource} -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H 'Authorization: Bearer {devAuthKit.DevToken}' -d '{InitializeRequest}'

                """);
            if (devAuthKit.Connect is { } connect)
            {
                output.WriteLine($"""
                    Login URI (AuthKit sends browsers here): {connect.LoginUri}
                    Sign in as one of this app's users, as an MCP client would have you do, in a browser:
                      {devAuthKit.Authority}{DevStandaloneConnect.TryPath}

                    """);
            }
        }
    }
}

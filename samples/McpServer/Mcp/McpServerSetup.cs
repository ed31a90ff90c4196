using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServerSample.Mcp;

/// <summary>Registers the MCP server's options (its tools) and the per-tool authorization.</summary>
internal static class McpServerSetup
{
    public static IServiceCollection AddSampleMcpServer(this IServiceCollection services)
    {
        // One options object for every request's server: the tools are built once.
        services.AddSingleton(sp =>
        {
            // Tool results go through the source-generated context; everything else through the SDK's own. Nulls are
            // written: the generated output schema lists every property as required.
            var serializerOptions = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
            {
                TypeInfoResolver = JsonTypeInfoResolver.Combine(SampleJsonContext.Default, McpJsonUtilities.DefaultOptions.TypeInfoResolver),
                DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            };

            // Services: parameters the container can supply (the DbContext) are injected, not asked of the client.
            McpServerToolCreateOptions ToolOptions() => new() { Services = sp, SerializerOptions = serializerOptions };
            return new McpServerOptions
            {
                ServerInfo = new Implementation { Name = "TokenValidation sample", Version = "1.0.0" },
                ToolCollection =
                [
                    McpServerTool.Create(SampleTools.WhoAmI, ToolOptions()),
                    McpServerTool.Create(SampleTools.AddNote, ToolOptions()),
                ],
            };
        });
        services.AddSingleton<McpToolAuthorization>();
        return services;
    }
}

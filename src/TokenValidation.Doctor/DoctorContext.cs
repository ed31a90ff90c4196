using System.Text.Json;
using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor;

/// <summary>What one run has found so far (each check group reads what the earlier ones discovered) and its results.</summary>
internal sealed class DoctorContext(string endpointText, Uri endpoint, WireClient wire, string? token)
{
    private readonly List<CheckResult> _results = [];

    /// <summary>The MCP endpoint URL exactly as the user gave it: <c>resource</c> must equal it byte for byte.</summary>
    public string EndpointText { get; } = endpointText;

    /// <summary>The MCP endpoint.</summary>
    public Uri Endpoint { get; } = endpoint;

    /// <summary>The HTTP client.</summary>
    public WireClient Wire { get; } = wire;

    /// <summary>The token for the authenticated checks (never printed), or null.</summary>
    public string? Token { get; } = token;

    /// <summary>The results so far.</summary>
    public IReadOnlyList<CheckResult> Results => _results;

    /// <summary>The Bearer challenge of the 401 to a bare POST.</summary>
    public BearerChallenge? Challenge { get; set; }

    /// <summary>The Protected Resource Metadata document clients would use (advertised, else path-inserted, else root).</summary>
    public JsonElement? ProtectedResource { get; set; }

    /// <summary>The <c>authorization_servers</c> entries, exactly as written.</summary>
    public IReadOnlyList<string> AuthorizationServers { get; set; } = [];

    /// <summary>Each authorization server's metadata document that was found (keyed by the advertised string).</summary>
    public Dictionary<string, JsonElement> AuthorizationServerMetadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Every URL read from a document or header, with where it came from, for the whitespace and https checks.</summary>
    public List<(string Where, string Url)> SeenUrls { get; } = [];

    /// <summary>Records a pass.</summary>
    public void Pass(string id, string title, string saw, string? target = null) => _results.Add(new(id, title, CheckStatus.Pass, saw, null, target));

    /// <summary>Records a warning with its fix.</summary>
    public void Warn(string id, string title, string saw, string fix, string? target = null) => _results.Add(new(id, title, CheckStatus.Warn, saw, fix, target));

    /// <summary>Records a failure with its fix.</summary>
    public void Fail(string id, string title, string saw, string fix, string? target = null) => _results.Add(new(id, title, CheckStatus.Fail, saw, fix, target));

    /// <summary>Records a check not run, and why.</summary>
    public void Skip(string id, string title, string why, string? target = null) => _results.Add(new(id, title, CheckStatus.Skip, why, null, target));

    /// <summary>Remembers a URL for the whitespace and https checks.</summary>
    public void SawUrl(string where, string? url)
    {
        if (url is not null)
        {
            SeenUrls.Add((where, url));
        }
    }
}

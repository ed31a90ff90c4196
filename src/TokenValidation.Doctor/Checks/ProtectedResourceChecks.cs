using System.Text.Json;
using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// The Protected Resource Metadata (RFC 9728): at the advertised URL, the path-inserted and the root well-known
/// paths, readable by browsers, its <c>resource</c> byte-exact to the endpoint and its <c>authorization_servers</c> set.
/// </summary>
internal sealed class ProtectedResourceChecks : ICheckGroup
{
    public async Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        string pathInserted = WellKnownUrls.PathInsertedProtectedResource(context.Endpoint);
        string root = WellKnownUrls.RootProtectedResource(context.Endpoint);
        var fetched = new List<(string Where, WireResponse Response, JsonElement? Document)>();

        // 1. The URL the challenge advertises.
        const string AdvertisedTitle = "Metadata at the advertised URL";
        JsonElement? advertisedDocument = null;
        string? advertised = context.Challenge?["resource_metadata"];
        if (UrlText.TryAbsolute(advertised) is { } advertisedUri)
        {
            var (response, document) = await FetchAsync(context, advertisedUri.AbsoluteUri, cancellationToken).ConfigureAwait(false);
            advertisedDocument = document;
            fetched.Add(("advertised", response, document));
            if (document is not null)
            {
                context.Pass("prm-advertised", AdvertisedTitle, $"GET {advertisedUri.AbsoluteUri}: {response.StatusText}, JSON object");
            }
            else
            {
                context.Fail("prm-advertised", AdvertisedTitle, Describe(advertisedUri.AbsoluteUri, response),
                    response.Status == 200
                        ? "Answer the metadata URL with a JSON object (Content-Type: application/json) holding resource and authorization_servers."
                        : $"Serve the Protected Resource Metadata document at the URL your challenge advertises ({advertisedUri.AbsoluteUri}), or fix resource_metadata to point where it is served. A 404 here is what makes Claude say \"couldn't connect\".");
            }
        }
        else
        {
            context.Skip("prm-advertised", AdvertisedTitle, "no usable resource_metadata in the challenge; clients fall back to the well-known paths below");
        }

        // 2. The path-inserted well-known URL (what clients without resource_metadata try first).
        const string PathTitle = "Metadata at the path-inserted well-known URL";
        JsonElement? pathDocument = null;
        if (pathInserted == root)
        {
            context.Skip("prm-path-inserted", PathTitle, "the endpoint has no path: the root URL below is the path-inserted one");
        }
        else
        {
            var (response, document) = await FetchAsync(context, pathInserted, cancellationToken).ConfigureAwait(false);
            pathDocument = document;
            fetched.Add(("path-inserted", response, document));
            if (document is not null)
            {
                context.Pass("prm-path-inserted", PathTitle, $"GET {pathInserted}: {response.StatusText}, JSON object");
            }
            else
            {
                context.Warn("prm-path-inserted", PathTitle, Describe(pathInserted, response),
                    $"Also serve the same document at {pathInserted}: clients that get no resource_metadata try this path-inserted URL first (RFC 9728 §3.1, MCP 2025-11-25).");
            }
        }

        // 3. The root well-known URL (what older clients and seed guides expect).
        const string RootTitle = "Metadata at the root well-known URL";
        var (rootResponse, rootDocument) = await FetchAsync(context, root, cancellationToken).ConfigureAwait(false);
        fetched.Add(("root", rootResponse, rootDocument));
        string rootFix = $"Serve the document at {root}, on your domain's root: several clients only look there, and a 404 is what makes Claude say \"couldn't connect\".";
        if (rootDocument is not null)
        {
            context.Pass("prm-root", RootTitle, $"GET {root}: {rootResponse.StatusText}, JSON object");
        }
        else if (advertisedDocument is null && pathDocument is null)
        {
            context.Fail("prm-root", RootTitle, Describe(root, rootResponse), rootFix);
        }
        else
        {
            context.Warn("prm-root", RootTitle, Describe(root, rootResponse), rootFix);
        }

        var found = fetched.Where(f => f.Document is not null).ToList();
        CheckCors(context, found);

        var used = advertisedDocument ?? pathDocument ?? rootDocument;
        context.ProtectedResource = used;
        if (used is not { } prm)
        {
            context.Skip("prm-resource", "resource equals the endpoint URL", "no metadata document found");
            context.Skip("prm-authorization-servers", "authorization_servers is set", "no metadata document found");
            return;
        }

        CheckResource(context, prm);
        CheckAuthorizationServers(context, prm);
    }

    private static async Task<(WireResponse Response, JsonElement? Document)> FetchAsync(DoctorContext context, string url, CancellationToken cancellationToken)
    {
        var response = await context.Wire.GetAsync(url, followRedirects: true, cancellationToken, asBrowser: true).ConfigureAwait(false);
        return (response, response.Status == 200 ? JsonDocuments.ParseObject(response.Body) : null);
    }

    private static string Describe(string url, WireResponse response) =>
        response.Status == 200 ? $"GET {url}: 200 but the body is not a JSON object" : $"GET {url}: {response.StatusText}";

    private static void CheckCors(DoctorContext context, List<(string Where, WireResponse Response, JsonElement? Document)> found)
    {
        const string Id = "prm-cors";
        const string Title = "Metadata readable by browsers";
        if (found.Count == 0)
        {
            context.Skip(Id, Title, "no metadata document found");
            return;
        }

        var missing = found.Where(f => f.Response.Header("Access-Control-Allow-Origin") is null).Select(f => f.Where).ToList();
        if (missing.Count > 0)
        {
            context.Fail(Id, Title, $"no Access-Control-Allow-Origin on the {string.Join(", ", missing)} metadata",
                "Add Access-Control-Allow-Origin: * to the metadata answers (and answer OPTIONS preflights): browser-based clients otherwise fail with a CORS error before they ever see your authorization server.");
        }
        else
        {
            context.Pass(Id, Title, "Access-Control-Allow-Origin: " + found[0].Response.Header("Access-Control-Allow-Origin"));
        }
    }

    private static void CheckResource(DoctorContext context, JsonElement prm)
    {
        const string Id = "prm-resource";
        const string Title = "resource equals the endpoint URL";
        string? resource = prm.String("resource");
        context.SawUrl("resource in the metadata", resource);
        if (resource is null)
        {
            context.Fail(Id, Title, "the metadata has no resource",
                $"Add \"resource\": \"{context.EndpointText}\", exactly the URL clients connect to.");
        }
        else if (resource != context.EndpointText)
        {
            context.Fail(Id, Title, $"resource is {UrlText.Show(resource)}, the endpoint is {UrlText.Show(context.EndpointText)}: it {UrlText.Difference(resource, context.EndpointText)}",
                $"Set resource to exactly \"{context.EndpointText}\", the URL clients connect to: clients compare the two byte for byte (RFC 9728 §3.3) and refuse a mismatch, a trailing slash included.");
        }
        else
        {
            context.Pass(Id, Title, "resource=" + UrlText.Show(resource));
        }
    }

    private static void CheckAuthorizationServers(DoctorContext context, JsonElement prm)
    {
        const string Id = "prm-authorization-servers";
        const string Title = "authorization_servers is set";
        var servers = prm.Strings("authorization_servers") ?? [];
        context.AuthorizationServers = servers;
        foreach (string server in servers)
        {
            context.SawUrl("authorization_servers in the metadata", server);
        }

        if (servers.Count == 0)
        {
            context.Fail(Id, Title, "authorization_servers is missing or empty",
                "List your authorization server's issuer URL in authorization_servers, written exactly as the issuer in its own metadata: clients have nowhere to sign in without it.");
        }
        else
        {
            context.Pass(Id, Title, "authorization_servers=[" + string.Join(", ", servers.Select(UrlText.Show)) + "]");
        }
    }
}

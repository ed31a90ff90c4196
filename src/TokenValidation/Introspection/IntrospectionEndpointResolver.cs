using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenValidation.Jwt;
using TokenValidation.Upstream;

namespace TokenValidation.Introspection;

/// <summary>
/// Finds the introspection endpoint: <see cref="IntrospectionOptions.Endpoint"/>, or the <c>introspection_endpoint</c>
/// of the issuer's metadata (RFC 8414 path-inserted, then OpenID discovery; the document must name the issuer exactly).
/// Found once; a failed discovery is shared by the callers waiting for it and tried again on the next miss.
/// </summary>
internal sealed class IntrospectionEndpointResolver(IntrospectionOptions options, string endpointKey, ILogger logger)
{
    private readonly Lock _gate = new();
    private Uri? _endpoint = string.IsNullOrEmpty(options.Endpoint) ? null : new Uri(options.Endpoint);
    private Task<Uri?>? _discovery;

    public async ValueTask<Uri?> GetAsync(HttpClient client, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _endpoint) is { } known)
        {
            return known;
        }

        Task<Uri?> discovery;
        lock (_gate)
        {
            discovery = _discovery is { IsCompleted: false } running ? running : (_discovery = DiscoverAsync(client, cancellationToken));
        }

        var found = await discovery.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (found is not null)
        {
            Volatile.Write(ref _endpoint, found);
        }

        return found;
    }

    private async Task<Uri?> DiscoverAsync(HttpClient client, CancellationToken cancellationToken)
    {
        // Off the caller's stack, so the discovery it shares is not bound to the lock above.
        await Task.Yield();
        string issuer = options.Issuer!;
        string reason = "no metadata document names an introspection_endpoint for this issuer";
        foreach (var address in SigningKeyCache.MetadataAddresses(issuer))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            var body = await BoundedContent.ReadAsync(response.Content, options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            if (body is null || Read(body) is not ({ } metadataIssuer, { } endpoint) || metadataIssuer != issuer)
            {
                continue;
            }

            // The client secret goes to this address: never in clear text unless http is allowed.
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp)))
            {
                reason = $"{address} names an introspection_endpoint that is not an https URL";
                break;
            }

            IntrospectionLog.EndpointDiscovered(logger, issuer, uri.ToString());
            return uri;
        }

        IntrospectionLog.DiscoveryFailed(logger, issuer, reason, endpointKey);
        return null;
    }

    private static (string? Issuer, string? Endpoint) Read(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return (
                root.TryGetProperty("issuer", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null,
                root.TryGetProperty("introspection_endpoint", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

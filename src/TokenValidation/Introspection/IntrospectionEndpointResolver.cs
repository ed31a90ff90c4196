using Microsoft.Extensions.Logging;
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
            // Shared by every waiter, so no one caller's cancellation ends it; the client's pipeline bounds it in time.
            discovery = _discovery is { IsCompleted: false } running ? running : (_discovery = DiscoverAsync(client, CancellationToken.None));
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
        string? endpoint = await IssuerMetadata.FindAsync(client, issuer, "introspection_endpoint", options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
        if (endpoint is not null)
        {
            // The client secret goes to this address: never in clear text unless http is allowed.
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp)))
            {
                IntrospectionLog.EndpointDiscovered(logger, issuer, uri.ToString());
                return uri;
            }

            reason = "the issuer's metadata names an introspection_endpoint that is not an https URL";
        }

        IntrospectionLog.DiscoveryFailed(logger, issuer, reason, endpointKey);
        return null;
    }
}

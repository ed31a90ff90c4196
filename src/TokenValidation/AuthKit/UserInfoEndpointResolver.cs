using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.Diagnostics;

namespace TokenValidation.AuthKit;

/// <summary>
/// Finds the userinfo URL: the authority plus <see cref="AuthKitOptions.UserInfoPath"/>, or with discovery the
/// metadata's <c>userinfo_endpoint</c>, which must be on the authority's own origin (the token goes nowhere else).
/// A failed discovery is retried on the next miss rather than remembered.
/// </summary>
internal sealed class UserInfoEndpointResolver(
    IOptions<AuthKitOptions> options,
    IHttpClientFactory httpClientFactory,
    ILogger<UserInfoEndpointResolver> logger)
{
    private readonly AuthKitOptions _options = options.Value;
    private Uri? _endpoint;

    public string Authority => _options.Authority!.TrimEnd('/');

    public async ValueTask<Uri?> GetAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is { } known)
        {
            return known;
        }

        if (!_options.UseDiscovery)
        {
            return _endpoint = new Uri(Authority + "/" + _options.UserInfoPath.TrimStart('/'));
        }

        var discovered = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        if (discovered is not null)
        {
            _endpoint = discovered;
        }

        return discovered;
    }

    private async Task<Uri?> DiscoverAsync(CancellationToken cancellationToken)
    {
        var authority = new Uri(Authority + "/");
        foreach (var path in (string[])[".well-known/openid-configuration", ".well-known/oauth-authorization-server"])
        {
            var metadataUrl = new Uri(authority, path);
            try
            {
                using var client = httpClientFactory.CreateClient(AuthKitDefaults.HttpClientName);
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(_options.Timeout);
                using var response = await client.GetAsync(metadataUrl, cts.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Log.DiscoveryFailed(logger, metadataUrl.ToString(), $"HTTP {(int)response.StatusCode}");
                    continue;
                }

                await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cts.Token).ConfigureAwait(false);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("userinfo_endpoint", out var value)
                    && value.ValueKind == JsonValueKind.String
                    && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var endpoint))
                {
                    if (!IsSameOrigin(endpoint, authority))
                    {
                        Log.DiscoveryFailed(logger, metadataUrl.ToString(), "userinfo_endpoint is not on the authority's origin; refusing to send tokens there");
                        return null;
                    }

                    return endpoint;
                }

                Log.DiscoveryFailed(logger, metadataUrl.ToString(), "no userinfo_endpoint in the metadata");
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or Polly.ExecutionRejectedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Log.DiscoveryFailed(logger, metadataUrl.ToString(), ex.GetType().Name);
            }
        }

        return null;
    }

    private static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}

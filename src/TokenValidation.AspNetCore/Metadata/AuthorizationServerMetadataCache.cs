using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using TokenValidation.AspNetCore.Diagnostics;
using TokenValidation.AuthKit;
using TokenValidation.Upstream;

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>
/// Keeps a copy of the authority's metadata document: fetched once per lifetime however many requests ask (one fetch
/// at a time), served stale when a refresh fails, and not retried for <see cref="RetryDelaySeconds"/> after a failure.
/// </summary>
internal sealed class AuthorizationServerMetadataCache(
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    IOptions<AuthKitOptions> authKitOptions,
    ILogger<AuthorizationServerMetadataCache> logger) : IDisposable
{
    public const int RetryDelaySeconds = 30;
    private const int MaxDocumentBytes = 256 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    public async ValueTask<byte[]?> GetAsync(string url, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (Fresh(_snapshot, url) is { } hit)
        {
            return hit;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _snapshot;
            if (Fresh(current, url) is { } filled)
            {
                return filled;
            }

            var fetched = await FetchAsync(url).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var stale = current?.Url == url ? current.Document : null;
            var document = fetched ?? stale;
            _snapshot = document is null
                ? null
                : new Snapshot(url, document, now + (fetched is null ? TimeSpan.FromSeconds(RetryDelaySeconds) : lifetime));
            return document;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private byte[]? Fresh(Snapshot? snapshot, string url) =>
        snapshot is not null && snapshot.Url == url && snapshot.ExpiresAt > time.GetUtcNow() ? snapshot.Document : null;

    // Shared by every waiting request, so it runs on its own timeout rather than one caller's cancellation. The client's
    // pipeline retries transient failures inside it; its timeouts and open circuit surface as ExecutionRejectedException.
    private async Task<byte[]?> FetchAsync(string url)
    {
        using var timeout = new CancellationTokenSource(authKitOptions.Value.Timeout);
        try
        {
            var client = httpClientFactory.CreateClient(McpBearerDefaults.MetadataHttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Log.MetadataFetchFailed(logger, url, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
            {
                Log.MetadataFetchFailed(logger, url, "document over the size limit");
                return null;
            }

            var document = await BoundedContent.ReadAsync(response.Content, MaxDocumentBytes, timeout.Token).ConfigureAwait(false);
            if (document is null || !IsJsonObject(document))
            {
                Log.MetadataFetchFailed(logger, url, "not a JSON object within the size limit");
                return null;
            }

            return document;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or ExecutionRejectedException)
        {
            Log.MetadataFetchFailed(logger, url, ex.GetType().Name);
            return null;
        }
    }

    private static bool IsJsonObject(byte[] document)
    {
        try
        {
            using var parsed = JsonDocument.Parse(document);
            return parsed.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record Snapshot(string Url, byte[] Document, DateTimeOffset ExpiresAt);
}

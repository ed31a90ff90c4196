using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenValidation.AspNetCore.Diagnostics;
using TokenValidation.AuthKit;
using TokenValidation.Upstream;

namespace TokenValidation.AspNetCore.Metadata;

/// <summary>
/// Keeps a copy of the authority's metadata document. One fetch at a time, shared by every request that arrives while
/// it runs and bounded by <c>AuthKit:Timeout</c>, so a hanging authority costs each request at most one timeout. A
/// failure is remembered for the authority's <c>Retry-After</c> (else <see cref="DefaultRetryDelaySeconds"/>): no fetch
/// is made meanwhile, the stale copy is served when there is one, and a 503 otherwise.
/// </summary>
internal sealed class AuthorizationServerMetadataCache(
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    IOptions<AuthKitOptions> authKitOptions,
    ILogger<AuthorizationServerMetadataCache> logger)
{
    public const int DefaultRetryDelaySeconds = 30;
    private const int MaxDocumentBytes = 256 * 1024;
    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private Snapshot? _snapshot;
    private Failure? _failure;
    private Fetch? _fetch;

    /// <summary>The document (fresh, or stale after a failed refresh), or none with how long until the next try.</summary>
    public async ValueTask<MetadataAnswer> GetAsync(string url, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        Task<MetadataAnswer> shared;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            // Stryker disable once Conditional : an application asks for one URL only (IOptions<AuthKitOptions> is a singleton).
            var stale = _snapshot?.Url == url ? _snapshot : null;
            if (stale is not null && stale.ExpiresAt > now)
            {
                return new(stale.Document, null);
            }

            if (_failure is { } failure && failure.Url == url && failure.RetryAt > now)
            {
                return new(stale?.Document, failure.RetryAt - now);
            }

            if (_fetch is null || _fetch.Url != url)
            {
                // Started outside the lock's caller chain: the fetch belongs to every waiter, not to this request.
                var completion = new TaskCompletionSource<MetadataAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
                _fetch = new Fetch(url, completion.Task);
                _ = RunFetchAsync(url, lifetime, completion);
            }

            shared = _fetch.Answer;
        }

        return await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunFetchAsync(string url, TimeSpan lifetime, TaskCompletionSource<MetadataAnswer> completion)
    {
        // Stryker disable once Statement : only where the fetch starts running changes; its caller awaits the shared task either way.
        await Task.Yield();
        byte[]? document;
        TimeSpan? retryAfter;
        try
        {
            (document, retryAfter) = await FetchAsync(url).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever happened, every waiter gets an answer and the failure is remembered like any other.
            Log.MetadataFetchFailed(logger, url, ex.GetType().Name);
            (document, retryAfter) = (null, null);
        }

        MetadataAnswer answer;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (document is not null)
            {
                _snapshot = new Snapshot(url, document, now + lifetime);
                _failure = null;
                answer = new(document, null);
            }
            else
            {
                var delay = retryAfter ?? TimeSpan.FromSeconds(DefaultRetryDelaySeconds);
                // Stryker disable once Equality : at exactly either bound both branches give the bound.
            delay = delay < MinRetryDelay ? MinRetryDelay : delay > MaxRetryDelay ? MaxRetryDelay : delay;
                _failure = new Failure(url, now + delay);
                answer = new(_snapshot?.Url == url ? _snapshot.Document : null, delay);
            }

            _fetch = null;
        }

        completion.SetResult(answer);
    }

    // Runs on its own timeout rather than one caller's cancellation. The client's pipeline retries transient failures
    // inside it; what it throws (its timeouts and open circuit too) RunFetchAsync logs by type and remembers as a failure.
    private async Task<(byte[]? Document, TimeSpan? RetryAfter)> FetchAsync(string url)
    {
        using var timeout = new CancellationTokenSource(authKitOptions.Value.Timeout, time);
        var client = httpClientFactory.CreateClient(McpBearerDefaults.MetadataHttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        var retryAfter = RetryAfter(response.Headers.RetryAfter);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Log.MetadataFetchFailed(logger, url, $"HTTP {(int)response.StatusCode}");
            return (null, retryAfter);
        }

        var document = await BoundedContent.ReadAsync(response.Content, MaxDocumentBytes, timeout.Token).ConfigureAwait(false);
        if (document is null || !IsJsonObject(document))
        {
            Log.MetadataFetchFailed(logger, url, "not a JSON object within the size limit");
            return (null, retryAfter);
        }

        return (document, null);
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

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

    private sealed record Failure(string Url, DateTimeOffset RetryAt);

    private sealed record Fetch(string Url, Task<MetadataAnswer> Answer);
}

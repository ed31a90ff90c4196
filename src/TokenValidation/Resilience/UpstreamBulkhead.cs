using Microsoft.Extensions.Logging;
using TokenValidation.Diagnostics;

namespace TokenValidation.Resilience;

/// <summary>
/// One validator's bound on calls to its issuer in flight (CONTRACT §7): beyond it a miss is Unavailable at once rather
/// than queued. One per validator, so a flood aimed at one issuer never takes the slots of another, and local
/// validators have none at all.
/// </summary>
internal sealed class UpstreamBulkhead(string source, int limit, TokenValidationDiagnostics diagnostics, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);

    public int InFlight => limit - _slots.CurrentCount;

    /// <summary>Takes a slot, or records the rejection and returns <see langword="false"/>.</summary>
    public bool TryEnter()
    {
        if (_slots.Wait(0))
        {
            return true;
        }

        diagnostics.BulkheadRejection(source);
        Log.BulkheadFull(logger, source, limit);
        return false;
    }

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}

using Microsoft.Extensions.Logging;
using TokenValidation.Diagnostics;

namespace TokenValidation.Resilience;

/// <summary>
/// One validator's bound on calls to its issuer in flight (CONTRACT §7): beyond it a miss is Unavailable at once rather
/// than queued. One per validator, so a flood aimed at one issuer never takes the slots of another, and local
/// validators have none at all.
/// </summary>
internal sealed class UpstreamBulkhead(string source, int limit, TokenValidationDiagnostics diagnostics, ILogger logger)
{
    // A count, not a semaphore: nobody ever waits for a slot, so taking one is a single interlocked add.
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot, or records the rejection and returns <see langword="false"/>.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        diagnostics.BulkheadRejection(source);
        Log.BulkheadFull(logger, source, limit);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _inFlight);
}

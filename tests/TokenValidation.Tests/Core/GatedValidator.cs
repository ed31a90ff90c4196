namespace TokenValidation.Tests.Core;

/// <summary>An app-registered validator whose calls wait until the test releases them (then answer Valid); counts calls in flight.</summary>
internal class GatedValidator : ITokenValidator
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private int _inFlight;

    public int Calls => Volatile.Read(ref _calls);

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Release() => _gate.TrySetResult();

    public async ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _inFlight);
        try
        {
            await _gate.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return TokenCheckResult.Valid(new TokenIdentity { Subject = "gated", Source = "gated" });
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Waits until <paramref name="count"/> calls are held (they start synchronously, so this is normally at once).</summary>
    public async Task WaitForInFlightAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (InFlight < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {InFlight} of {count} calls reached the validator.");
            await Task.Delay(5);
        }
    }
}

/// <summary>A second gated validator type, so one host can hold calls in two validators at once.</summary>
internal sealed class OtherGatedValidator : GatedValidator;

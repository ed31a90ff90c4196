namespace TokenValidation.Tests.Core;

/// <summary>An app-registered validator for a custom prefix: answers Valid for every token and counts its calls.</summary>
internal sealed class CountingValidator : ITokenValidator
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return new(TokenCheckResult.Valid(new TokenIdentity { Subject = "custom", Source = "custom" }));
    }
}

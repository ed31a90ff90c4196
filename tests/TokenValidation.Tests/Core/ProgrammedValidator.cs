namespace TokenValidation.Tests.Core;

/// <summary>An app-registered validator whose answer (or exception) the test sets; counts its calls.</summary>
internal sealed class ProgrammedValidator : ITokenValidator
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<string, TokenCheckResult> Answer { get; set; } = _ => TokenCheckResult.Valid(new TokenIdentity { Subject = "programmed", Source = "programmed" });

    public ValueTask<TokenCheckResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return new(Answer(token));
    }
}

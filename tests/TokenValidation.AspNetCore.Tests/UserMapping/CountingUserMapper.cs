using TokenValidation.AspNetCore.UserMapping;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>Counts how often the hook runs and answers a fixed id.</summary>
public sealed class CountingUserMapper(MapperCalls calls) : IMcpUserMapper
{
    public ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken)
    {
        calls.Increment(identity.Source);
        return ValueTask.FromResult("local-" + identity.Subject);
    }
}

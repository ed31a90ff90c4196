using TokenValidation.AspNetCore.UserMapping;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>A user store that is down.</summary>
public sealed class ThrowingUserMapper : IMcpUserMapper
{
    public ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The user database is unreachable.");
}

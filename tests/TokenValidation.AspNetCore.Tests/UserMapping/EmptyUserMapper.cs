using TokenValidation.AspNetCore.UserMapping;

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>A mapper with a bug: it answers without a user id.</summary>
public sealed class EmptyUserMapper : IMcpUserMapper
{
    public ValueTask<string> FindOrCreateUserAsync(TokenIdentity identity, CancellationToken cancellationToken) => ValueTask.FromResult("");
}

namespace TokenValidation.Tests.Core;

/// <summary>A null token is the caller's bug: <see cref="ArgumentNullException"/>, never a NullReferenceException from inside.</summary>
public sealed class NullTokenTests
{
    [Fact]
    public async Task ValidateAsync_and_ValidateForClientAsync_throw_ArgumentNullException_for_a_null_token()
    {
        await using var host = await CoreHost.StartAsync();

        var validate = await Assert.ThrowsAsync<ArgumentNullException>(async () => await host.Validation.ValidateAsync(null!));
        var forClient = await Assert.ThrowsAsync<ArgumentNullException>(async () => await host.Validation.ValidateForClientAsync(null!, System.Net.IPAddress.Loopback));

        Assert.Equal("token", validate.ParamName);
        Assert.Equal("token", forClient.ParamName);
    }

    [Fact]
    public async Task InvalidateAsync_throws_ArgumentNullException_for_a_null_token()
    {
        await using var host = await CoreHost.StartAsync();

        var error = await Assert.ThrowsAsync<ArgumentNullException>(async () => await host.Validation.InvalidateAsync(null!));

        Assert.Equal("token", error.ParamName);
    }
}

using TokenValidation.Doctor.Wire;

namespace TokenValidation.Doctor.Checks;

/// <summary>
/// Refresh tokens: the authorization server advertises <c>offline_access</c> (or the refresh_token grant), and the
/// resource does not list it among its own scopes (it is the authorization server's scope, not the resource's).
/// </summary>
internal sealed class OfflineAccessChecks : ICheckGroup
{
    private const string OfflineAccess = "offline_access";

    public Task RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        const string Id = "offline-access";
        const string Title = "offline_access advertised by the authorization server";
        var resourceScopes = (context.ProtectedResource?.Strings("scopes_supported") ?? [])
            .Concat((context.Challenge?["scope"] ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (resourceScopes.Contains(OfflineAccess, StringComparer.Ordinal))
        {
            context.Warn(Id, Title, "the MCP server lists offline_access among its own scopes (scopes_supported or the challenge's scope)",
                "Leave offline_access out of your metadata's scopes_supported and the challenge's scope: it asks the authorization server for a refresh token and is not a permission of your server; clients add it themselves when the authorization server offers it.");
            return Task.CompletedTask;
        }

        if (context.AuthorizationServerMetadata.Count == 0)
        {
            context.Skip(Id, Title, "no authorization server metadata found");
            return Task.CompletedTask;
        }

        var lacking = context.AuthorizationServerMetadata
            .Where(m => !(m.Value.Strings("scopes_supported") ?? []).Contains(OfflineAccess, StringComparer.Ordinal)
                        && !(m.Value.Strings("grant_types_supported") ?? []).Contains("refresh_token", StringComparer.Ordinal))
            .Select(m => UrlText.Show(m.Key))
            .ToList();
        if (lacking.Count > 0)
        {
            context.Warn(Id, Title, $"{string.Join(", ", lacking)} advertises neither offline_access in scopes_supported nor the refresh_token grant",
                "Turn on refresh tokens (offline_access) at the authorization server: without them users have to sign in again each time an access token expires, the \"token works, then stops\" report.");
        }
        else
        {
            context.Pass(Id, Title, "the authorization server offers refresh tokens; the MCP server does not claim offline_access as its own scope");
        }

        return Task.CompletedTask;
    }
}

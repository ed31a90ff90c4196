namespace TokenValidation.Doctor.Checks;

/// <summary>Runs the check groups in the order a client meets them; each reads what the ones before it found.</summary>
internal static class DoctorRunner
{
    /// <summary>The groups, in order: challenge, methods, resource metadata, authorization servers, origin metadata, URLs, refresh tokens, authenticated session.</summary>
    public static IReadOnlyList<ICheckGroup> Groups { get; } =
    [
        new ChallengeChecks(),
        new MethodChecks(),
        new ProtectedResourceChecks(),
        new AuthorizationServerChecks(),
        new OriginMetadataChecks(),
        new UrlChecks(),
        new OfflineAccessChecks(),
        new AuthenticatedChecks(),
    ];

    /// <summary>Runs every group against <paramref name="context"/> and returns the report.</summary>
    public static async Task<DoctorReport> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        foreach (var group in Groups)
        {
            await group.RunAsync(context, cancellationToken).ConfigureAwait(false);
        }

        return new DoctorReport(context.EndpointText, context.Results);
    }
}

namespace TokenValidation.Doctor.Checks;

/// <summary>One step of the discovery chain: sends its requests and records one result per check.</summary>
internal interface ICheckGroup
{
    /// <summary>Runs the group's checks against what <paramref name="context"/> has found so far.</summary>
    Task RunAsync(DoctorContext context, CancellationToken cancellationToken);
}

namespace TokenValidation.Doctor;

/// <summary>Every check's result for one MCP endpoint, in the order a client meets them.</summary>
internal sealed class DoctorReport(string endpoint, IReadOnlyList<CheckResult> checks)
{
    /// <summary>The MCP endpoint URL exactly as given.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The checks, in order.</summary>
    public IReadOnlyList<CheckResult> Checks { get; } = checks;

    /// <summary>Checks that passed.</summary>
    public int Passed => Count(CheckStatus.Pass);

    /// <summary>Checks that warned.</summary>
    public int Warnings => Count(CheckStatus.Warn);

    /// <summary>Checks that failed.</summary>
    public int Failed => Count(CheckStatus.Fail);

    /// <summary>Checks not run.</summary>
    public int Skipped => Count(CheckStatus.Skip);

    /// <summary>0 when nothing failed, 1 otherwise.</summary>
    public int ExitCode => Failed == 0 ? DoctorCommand.ExitOk : DoctorCommand.ExitFailed;

    private int Count(CheckStatus status) => Checks.Count(c => c.Status == status);
}

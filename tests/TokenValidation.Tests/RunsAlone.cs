namespace TokenValidation.Tests;

/// <summary>
/// Tests that keep both cores busy for seconds (stress sweeps, floods, fuzzing): run after the others, one at a time,
/// so the real-socket calls of other tests never meet their time limits on a loaded 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Runs alone (CPU-heavy)";
}

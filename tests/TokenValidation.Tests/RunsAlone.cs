namespace TokenValidation.Tests;

/// <summary>
/// Tests that keep both cores busy for seconds (stress sweeps, floods, fuzzing), and tests that assert a real-time bound
/// over real sockets: run after the others, one at a time, so neither kind meets the other's load on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Runs alone (CPU-heavy)";
}

using System.Collections.Concurrent;

namespace TokenValidation.AspNetCore.Tests.StepUp;

/// <summary>Which tools ran, in order: a refused call must leave no trace here.</summary>
public sealed class ToolRuns
{
    private readonly ConcurrentQueue<string> _runs = new();

    public IReadOnlyList<string> All => [.. _runs];

    public void Add(string tool) => _runs.Enqueue(tool);
}

namespace TokenValidation.AspNetCore.Tests.UserMapping;

/// <summary>A per-test counter of user-mapper calls (a singleton of the test host).</summary>
public sealed class MapperCalls
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public List<string> Sources { get; } = [];

    public void Increment(string source)
    {
        Interlocked.Increment(ref _count);
        lock (Sources)
        {
            Sources.Add(source);
        }
    }
}

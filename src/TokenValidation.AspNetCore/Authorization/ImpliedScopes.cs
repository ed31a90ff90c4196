namespace TokenValidation.AspNetCore.Authorization;

/// <summary>
/// The transitive closure of <see cref="McpBearerOptions.ScopeHierarchy"/>: for each broader scope, every scope it
/// implies directly or through others. Built once per options instance; read on every scope check.
/// </summary>
internal sealed class ImpliedScopes
{
    public static readonly ImpliedScopes None = new(new Dictionary<string, string[]>(StringComparer.Ordinal), []);

    private readonly Dictionary<string, string[]> _closure;

    private ImpliedScopes(Dictionary<string, string[]> closure, IReadOnlyList<string> cyclic)
    {
        _closure = closure;
        Cyclic = cyclic;
    }

    public bool IsEmpty => _closure.Count == 0;

    /// <summary>Scopes that imply themselves through a chain of entries (a configuration error).</summary>
    public IReadOnlyList<string> Cyclic { get; }

    /// <summary>Builds the closure; entries with a blank scope are skipped (start-up validation reports them).</summary>
    public static ImpliedScopes Build(IEnumerable<ScopeHierarchyEntry>? entries)
    {
        var direct = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in entries ?? [])
        {
            if (string.IsNullOrEmpty(entry?.Scope))
            {
                continue;
            }

            if (!direct.TryGetValue(entry.Scope, out var set))
            {
                direct[entry.Scope] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var implied in entry.Implies ?? [])
            {
                if (!string.IsNullOrEmpty(implied))
                {
                    set.Add(implied);
                }
            }
        }

        // Stryker disable once Block : an empty closure built below is just as empty; this only saves allocating it.
        if (direct.Count == 0)
        {
            return None;
        }

        var closure = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var cyclic = new List<string>();
        foreach (var scope in direct.Keys)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(direct[scope]);
            while (pending.TryPop(out var next))
            {
                // A cycle ends here instead of looping; validation reports it.
                if (!reached.Add(next))
                {
                    continue;
                }

                // A separate test, not joined by ||: Stryker's || to && mutant would leave the out variable unassigned.
                if (!direct.TryGetValue(next, out var further))
                {
                    continue;
                }

                foreach (var item in further)
                {
                    pending.Push(item);
                }
            }

            if (reached.Remove(scope))
            {
                cyclic.Add(scope);
            }

            closure[scope] = [.. reached];
        }

        return new ImpliedScopes(closure, cyclic);
    }

    /// <summary>Adds to <paramref name="into"/> the scopes <paramref name="granted"/> holds and every scope they imply.</summary>
    public void Expand(IEnumerable<string> granted, HashSet<string> into)
    {
        foreach (var scope in granted)
        {
            into.Add(scope);
            if (_closure.TryGetValue(scope, out var implied))
            {
                into.UnionWith(implied);
            }
        }
    }

    /// <summary>Whether <paramref name="granted"/> holds <paramref name="required"/> itself or a scope implying it.</summary>
    public bool Covers(IEnumerable<string> granted, string required)
    {
        foreach (var scope in granted)
        {
            if (string.Equals(scope, required, StringComparison.Ordinal)
                || (_closure.TryGetValue(scope, out var implied) && Array.IndexOf(implied, required) >= 0))
            {
                return true;
            }
        }

        return false;
    }
}

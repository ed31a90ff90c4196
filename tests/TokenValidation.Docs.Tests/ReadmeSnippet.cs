using System.Text.RegularExpressions;

namespace TokenValidation.Docs.Tests;

/// <summary>One <c>```csharp</c> block of a Markdown file, named by file and line for the test explorer.</summary>
public sealed partial class ReadmeSnippet
{
    private ReadmeSnippet(string file, int line, string code)
    {
        File = file;
        Line = line;
        Code = code;
    }

    /// <summary>The Markdown file, relative to the repository root.</summary>
    public string File { get; }

    /// <summary>The line of the opening fence.</summary>
    public int Line { get; }

    /// <summary>The code between the fences.</summary>
    public string Code { get; }

    /// <summary>Every <c>```csharp</c> block of <paramref name="path"/>.</summary>
    public static IEnumerable<ReadmeSnippet> Read(string root, string path)
    {
        string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        string[] lines = System.IO.File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (!OpeningFence().IsMatch(lines[i]))
            {
                continue;
            }

            int start = i;
            var code = new List<string>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                code.Add(lines[i]);
            }

            yield return new ReadmeSnippet(relative, start + 1, string.Join('\n', code));
        }
    }

    public override string ToString() => $"{File}:{Line}";

    // "```csharp excerpt" quotes code that lives (and compiles) elsewhere, such as the sample's Program.cs: not compiled here.
    [GeneratedRegex(@"^\s*```(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex OpeningFence();
}

namespace TokenValidation.Docs.Tests;

/// <summary>Every C# block in README.md and the package READMEs compiles as a reader would paste it.</summary>
public sealed class ReadmeSnippetTests
{
    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in AllSnippets())
        {
            data.Add(snippet.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Every_csharp_block_in_the_readmes_compiles(string where)
    {
        var snippet = AllSnippets().Single(s => s.ToString() == where);

        var errors = SnippetCompiler.Compile(snippet);

        Assert.True(errors.Count == 0, $"{where} does not compile:\n{string.Join('\n', errors)}\n--- as compiled:\n{SnippetCompiler.Wrap(snippet.Code)}");
    }

    [Fact]
    public void The_readmes_that_ship_have_csharp_blocks()
    {
        var files = AllSnippets().Select(s => s.File).Distinct().ToArray();

        Assert.Contains("README.md", files);
        Assert.Contains("src/TokenValidation/README.md", files);
        Assert.Contains("src/TokenValidation.AspNetCore/README.md", files);
        Assert.Contains("src/TokenValidation.AspNetCore.Mcp/README.md", files);
    }

    [Fact]
    public void A_block_that_calls_a_method_the_library_does_not_have_is_reported()
    {
        var snippet = ReadmeSnippetFor("builder.Services.AddTokenValidation(section).AddAuthKitTypo();");

        var errors = SnippetCompiler.Compile(snippet);

        Assert.Contains(errors, e => e.Contains("AddAuthKitTypo", StringComparison.Ordinal));
    }

    [Fact]
    public void A_block_that_declares_its_own_builder_is_not_given_a_second_one()
    {
        var snippet = ReadmeSnippetFor("""
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddTokenValidation(builder.Configuration.GetSection("TokenValidation")).AddApiKeys();
            """);

        Assert.Empty(SnippetCompiler.Compile(snippet));
    }

    private static ReadmeSnippet ReadmeSnippetFor(string code)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tv-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "README.md");
        File.WriteAllText(file, "```csharp\n" + code + "\n```\n");
        try
        {
            return ReadmeSnippet.Read(dir, file).Single();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<ReadmeSnippet> AllSnippets()
    {
        string root = RepositoryRoot();
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return files.SelectMany(f => ReadmeSnippet.Read(root, f));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenValidation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TokenValidation.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TokenValidation.Docs.Tests;

/// <summary>
/// Compiles a README snippet the way a reader uses it: pasted into the <c>Program.cs</c> of a web project (top-level
/// statements, the web SDK's implicit usings), with the usual surroundings declared only when the snippet uses a
/// name without declaring it (<c>builder</c>, <c>app</c>, <c>section</c>, …).
/// </summary>
internal static partial class SnippetCompiler
{
    // The web SDK's implicit usings: what a Program.cs can use without a using directive.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    // Name → its declaration, in dependency order; a declaration is added only when the snippet uses the name and does
    // not declare it itself.
    private static readonly (string Name, string Declaration, string[] Needs)[] Surroundings =
    [
        ("builder", "var builder = WebApplication.CreateBuilder(args);", []),
        ("section", "var section = builder.Configuration.GetSection(\"TokenValidation\");", ["builder"]),
        ("app", "var app = builder.Build();", ["builder"]),
        ("validation", "TokenValidation.ITokenValidationService validation = null!;", []),
        ("token", "string token = \"mat_example\";", []),
        ("cancellationToken", "CancellationToken cancellationToken = default;", []),
        ("handler", "RequestDelegate handler = static _ => Task.CompletedTask;", []),
    ];

    // Types the snippets name as "your own": declared at the end unless the snippet declares them.
    private static readonly (string Name, string Declaration)[] AppTypes =
    [
        ("AppUserMapper", """
            sealed class AppUserMapper : TokenValidation.AspNetCore.UserMapping.IMcpUserMapper
            {
                public ValueTask<string> FindOrCreateUserAsync(TokenValidation.TokenIdentity identity, CancellationToken cancellationToken) => new("user-1");
            }
            """),
        ("NoteTools", """
            [ModelContextProtocol.Server.McpServerToolType]
            sealed class NoteTools
            {
                [ModelContextProtocol.Server.McpServerTool(Name = "add_note")]
                public static string AddNote(string text) => text;
            }
            """),
    ];

    private static readonly Lazy<MetadataReference[]> References = new(LoadReferences);

    /// <summary>The compiler's errors and warnings for <paramref name="snippet"/>; empty when it compiles cleanly.</summary>
    public static IReadOnlyList<string> Compile(ReadmeSnippet snippet)
    {
        string source = Wrap(snippet.Code);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: snippet.ToString());
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, new CSharpParseOptions(LanguageVersion.Latest), path: "ImplicitUsings.cs");
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [usings, tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && d.Id is not ("CS8321" or "CS0168" or "CS0219" or "CS1998" or "CS8019")))
            .Select(d => $"{d.Id} line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.GetMessage()}\n    in: {LineOf(source, d)}")
            .ToArray();
    }

    /// <summary>The snippet as a whole Program.cs: its using directives first, then the surroundings it needs.</summary>
    internal static string Wrap(string code)
    {
        var lines = code.Split('\n');
        var usingLines = lines.Where(l => UsingDirective().IsMatch(l)).ToArray();
        string body = string.Join('\n', lines.Where(l => !UsingDirective().IsMatch(l)));

        var needed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _, needs) in Surroundings.Reverse())
        {
            if ((Uses(body, name) || needed.Contains(name)) && !Declares(body, name))
            {
                needed.Add(name);
                needed.UnionWith(needs.Where(n => !Declares(body, n)));
            }
        }

        var source = new StringBuilder();
        foreach (var line in usingLines)
        {
            source.AppendLine(line);
        }

        foreach (var (name, declaration, _) in Surroundings)
        {
            if (needed.Contains(name))
            {
                source.AppendLine(declaration);
            }
        }

        source.AppendLine("#line 1");
        source.AppendLine(body);
        source.AppendLine("#line default");
        foreach (var (name, declaration) in AppTypes)
        {
            if (Uses(body, name) && !Regex.IsMatch(body, $@"\b(class|record|struct|interface)\s+{name}\b"))
            {
                source.AppendLine(declaration);
            }
        }

        return source.ToString();
    }

    private static bool Uses(string body, string name) => Regex.IsMatch(body, $@"(?<![\w.""]){name}\b");

    private static bool Declares(string body, string name) =>
        Regex.IsMatch(body, $@"\b(var|[A-Z][\w.<>?\[\]]*)\s+{name}\s*(=|;)");

    private static string LineOf(string source, Diagnostic d)
    {
        var span = d.Location.SourceSpan;
        if (span.Start > source.Length)
        {
            return "";
        }

        int start = source.LastIndexOf('\n', Math.Max(0, span.Start - 1)) + 1;
        int end = source.IndexOf('\n', span.Start);
        return source[start..(end < 0 ? source.Length : end)].Trim();
    }

    // Every assembly of the shared frameworks this test runs on, and every assembly beside it (the library's packages).
    private static MetadataReference[] LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        return [.. paths.Select(p => MetadataReference.CreateFromFile(p))];
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>]+)?\s*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();
}

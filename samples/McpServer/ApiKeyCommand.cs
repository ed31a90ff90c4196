using TokenValidation.ApiKeys;

namespace McpServerSample;

/// <summary><c>dotnet run -- new-api-key [name]</c>: mints a key and prints the configuration for its hash.</summary>
internal static class ApiKeyCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string name = args.Length > 1 ? args[1] : "my-key";

        // Checked, so the name can be printed into the JSON and variable lines below as is.
        if (name.Length is 0 or > 64 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')))
        {
            error.WriteLine($"The key's name must be 1 to 64 letters, digits, '-', '_' or '.' (got '{name}').");
            return 2;
        }

        var key = ApiKeyGenerator.Generate();
        output.WriteLine($$"""
            New API key '{{name}}'. Hand it to its user now: it is stored nowhere and cannot be shown again.

              {{key.Key}}

            The server keeps only its SHA-256, in the list TokenValidation:ApiKeys:Keys, with the scopes it grants.
            In appsettings.json:

              "TokenValidation": { "ApiKeys": { "Keys": [ { "Name": "{{name}}", "Hash": "{{key.Hash}}", "Scopes": [ "mcp:tools" ] } ] } }

            or as environment variables (N: the entry's index in the list, 0 for the first):

              TokenValidation__ApiKeys__Keys__N__Name={{name}}
              TokenValidation__ApiKeys__Keys__N__Hash={{key.Hash}}
              TokenValidation__ApiKeys__Keys__N__Scopes__0=mcp:tools
            """);
        return 0;
    }
}

using System.Buffers;

namespace TokenValidation.Parsing;

internal static class B64TokenChars
{
    public static readonly SearchValues<char> Values =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    public static readonly SearchValues<char> SchemeValues =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~");
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Primitives;
using TokenValidation.ApiKeys;
using TokenValidation.Parsing;
using TokenValidation.Tests.Resilience;
using Xunit.Abstractions;

namespace TokenValidation.Tests.Fuzz;

/// <summary>
/// CONTRACT §2: 100,000+ generated <c>Authorization</c> headers (seeded, so a failure reproduces) through the real
/// reader and, for every token it finds, the real validation service against a loopback AuthKit. Nothing may throw,
/// no malformed token may reach AuthKit, and every answer is the contract's: Missing → 401 without error, Malformed →
/// 400 <c>invalid_request</c>, InvalidToken → 401 <c>invalid_token</c>, a found token → 200 or 401 <c>invalid_token</c>.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class AuthorizationHeaderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261121;
    private const int Headers = 100_000;
    private const int MaxTokenLength = BearerTokenReader.DefaultMaxTokenLength;
    private const string B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
    // '=' is left out: next to a token's trailing padding it is still a token. It has its own case below.
    private const string BadTokenChars = "!\"#$%&'(),:;<>?@[\\]^`{|}* ";

    private static readonly string[] NonAscii =
    [
        "é", "ß", "\u00A0", "\u200B", "\u2028", "\u202E", "\uFEFF", "Ｂ", "а", "😀", "\uD800", "\uDC00", "\u0130", "\u212A", "ｍａｔ_",
    ];

    private static readonly string[] OtherSchemes =
    [
        "Basic dXNlcjpwYXNzd29yZA==", "DPoP mat_abcdef", "Token mat_abcdef", "Digest username=\"x\"", "Bearer", "Bearer ", " Bearer",
        "Bearer=mat_abc", "Bearer:mat_abc", "Bearer,mat_abc", "mat_abcdef", "wcd_abcdef", "Bearer mat_abc=def", "BearerBearer mat_x",
        "Negotiate YIIG", "AWS4-HMAC-SHA256 Credential=x", "\"Bearer\" mat_abc",
    ];

    // Whitespace and controls that are not the one separator RFC 9110 §11.4 allows (1*SP): tab, vertical tab, form feed,
    // NUL, CR, LF, CRLF, and non-ASCII whitespace (NEL, NBSP, Ogham space, en quad … hair space, line and paragraph
    // separators, narrow NBSP, medium mathematical space, ideographic space, zero-width no-break space).
    private static readonly (string Name, string Text)[] Separators =
    [
        ("tab", "\t"), ("vertical tab", "\v"), ("form feed", "\f"), ("NUL", "\0"), ("CR", "\r"), ("LF", "\n"), ("CRLF", "\r\n"),
        ("NEL", "\u0085"), ("NBSP", "\u00A0"), ("ogham space", "\u1680"), ("en quad", "\u2000"), ("em space", "\u2003"),
        ("thin space", "\u2009"), ("hair space", "\u200A"), ("line separator", "\u2028"), ("paragraph separator", "\u2029"),
        ("narrow NBSP", "\u202F"), ("math space", "\u205F"), ("ideographic space", "\u3000"), ("ZWNBSP", "\uFEFF"),
    ];

    private enum Kind
    {
        RandomBytes,
        Huge,
        ControlChar,
        Spaces,
        SchemeCase,
        Duplicate,
        NonAscii,
        BadChar,
        OtherScheme,
        Empty,
        WellFormed,
    }

    [Fact]
    public async Task A_hundred_thousand_hostile_headers_never_throw_never_reach_AuthKit_malformed_and_map_to_the_contract()
    {
        var apiKey = ApiKeyGenerator.Generate();
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "fuzz",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = apiKey.Hash,

            // Outlive the run, so every distinct token is asked about exactly once.
            ["TokenValidation:Cache:InvalidLifetime"] = "01:00:00",
        });

        // Record every token AuthKit is asked about, to compare with the well-formed ones we generated.
        var askedAbout = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        host.AuthKit.Behavior = context =>
        {
            string header = context.Request.Headers.Authorization.ToString();
            askedAbout.AddOrUpdate(header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : header, 1, (_, n) => n + 1);
            return host.AuthKit.DefaultUserInfoAsync(context);
        };
        var registered = Enumerable.Range(0, 20).Select(_ => StandInHost.NewToken()).ToArray();
        foreach (var token in registered)
        {
            host.AuthKit.AddUser(token, "user_" + token[^8..]);
        }

        var expectedValid = new HashSet<string>(registered, StringComparer.Ordinal) { apiKey.Key };
        var random = new Random(Seed);
        var found = new List<string>();
        var byKind = new Dictionary<(Kind, BearerTokenStatus), int>();
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < Headers; i++)
        {
            var (kind, values, neverFound) = Generate(random, registered, apiKey.Key);
            BearerTokenReadResult read;
            try
            {
                read = BearerTokenReader.Read(values, MaxTokenLength);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Header #{i} ({kind}) threw {ex.GetType().Name}: {ex.Message}");
                throw;
            }

            var key = (kind, read.Status);
            byKind[key] = byKind.GetValueOrDefault(key) + 1;
            switch (read.Status)
            {
                case BearerTokenStatus.Missing:
                    Assert.Null(read.Error);
                    Assert.Null(read.Token);
                    break;
                case BearerTokenStatus.Malformed:
                    Assert.Equal(TokenErrors.InvalidRequest, read.Error);
                    Assert.Null(read.Token);
                    break;
                case BearerTokenStatus.InvalidToken:
                    Assert.Equal(TokenErrors.InvalidToken, read.Error);
                    Assert.Null(read.Token);
                    break;
                case BearerTokenStatus.Found:
                    Assert.False(neverFound, $"Header #{i} ({kind}) was read as a token: {Describe(values)}");
                    Assert.NotNull(read.Token);
                    Assert.True(read.Token!.Length <= MaxTokenLength && BearerTokenReader.IsB64Token(read.Token));
                    Assert.Null(read.Error);
                    found.Add(read.Token);
                    break;
                default:
                    Assert.Fail($"Unknown status {read.Status}.");
                    break;
            }

            if (read.ErrorDescription is { } description && values.Count == 1 && values[0]?.Trim() is { Length: >= 12 } raw)
            {
                Assert.DoesNotContain(raw, description, StringComparison.Ordinal);
            }
        }

        var readTime = clock.Elapsed;

        // Every found token goes to the real service: a few at a time, as concurrent requests would.
        var results = new ConcurrentBag<(string Token, TokenCheckResult Result)>();
        await Parallel.ForEachAsync(found, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (token, _) =>
            results.Add((token, await host.Validation.ValidateAsync(token))));

        foreach (var (token, result) in results)
        {
            if (expectedValid.Contains(token))
            {
                Assert.Equal(TokenValidationOutcome.Valid, result.Outcome);
            }
            else
            {
                Assert.Equal(TokenValidationOutcome.Invalid, result.Outcome);
                Assert.Equal(TokenErrors.InvalidToken, result.Error);
                if (token.Length >= 12)
                {
                    Assert.DoesNotContain(token, result.ErrorDescription ?? "", StringComparison.Ordinal);
                }
            }
        }

        // Exactly the well-formed mat_ tokens reached AuthKit, each once (single flight and the cache); nothing else did.
        var wellFormedAuthKit = found.Where(t => t.StartsWith("mat_", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(wellFormedAuthKit.Count, host.AuthKit.UserInfoCalls);
        Assert.True(wellFormedAuthKit.SetEquals(askedAbout.Keys), "AuthKit was asked about a token that was not a well-formed mat_ token.");
        Assert.All(askedAbout.Values, n => Assert.Equal(1, n));

        clock.Stop();
        output.WriteLine($"{Headers} headers read in {readTime.TotalSeconds:F1} s; {found.Count} tokens found ({found.Distinct().Count()} distinct), " +
            $"{wellFormedAuthKit.Count} distinct well-formed mat_ tokens sent to AuthKit; total {clock.Elapsed.TotalSeconds:F1} s.");
        foreach (var ((kind, status), count) in byKind.OrderBy(p => p.Key))
        {
            output.WriteLine($"  {kind,-12} {status,-13} {count,6}");
        }

        Assert.True(found.Count > 1_000 && wellFormedAuthKit.Count > 100, "The generator must exercise the validation path too.");
        foreach (var kind in Enum.GetValues<Kind>())
        {
            Assert.True(byKind.Keys.Any(k => k.Item1 == kind), $"No header of kind {kind} was generated.");
        }
    }

    [Fact]
    public async Task A_hundred_thousand_headers_with_whitespace_other_than_a_space_as_separator_make_zero_upstream_calls()
    {
        var apiKey = ApiKeyGenerator.Generate();
        await using var host = await StandInHost.StartAsync(new Dictionary<string, string?>
        {
            ["TokenValidation:ApiKeys:Keys:0:Name"] = "fuzz",
            ["TokenValidation:ApiKeys:Keys:0:Hash"] = apiKey.Hash,
        });
        var registered = Enumerable.Range(0, 20).Select(_ => StandInHost.NewToken()).ToArray();
        foreach (var token in registered)
        {
            host.AuthKit.AddUser(token, "user_" + token[^8..]);
        }

        var random = new Random(Seed + 1);
        var found = new List<string>();
        var controls = new HashSet<string>(StringComparer.Ordinal);
        var bySeparator = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Headers; i++)
        {
            string token = random.Next(4) switch
            {
                0 => registered[random.Next(registered.Length)],
                1 => apiKey.Key,
                2 => "mat_" + B64Token(random, random.Next(8, 64), padding: false),
                _ => B64Token(random, random.Next(8, 64), padding: random.Next(10) == 0),
            };
            var (name, header) = BadSeparator(random, token);
            bySeparator[name] = bySeparator.GetValueOrDefault(name) + 1;

            var read = BearerTokenReader.Read(header, MaxTokenLength);
            Assert.True(read.Status != BearerTokenStatus.Found, $"Header #{i} ({name}) was read as a token: {Describe(header)}");
            if (read.Token is { } accepted)
            {
                found.Add(accepted);
            }

            // The same token behind one space is a token: the separator alone is what is refused.
            if (i % 1_000 == 0)
            {
                Assert.Equal(BearerTokenStatus.Found, BearerTokenReader.Read("Bearer " + token, MaxTokenLength).Status);
                controls.Add(token);
            }
        }

        foreach (var token in found)
        {
            await host.Validation.ValidateAsync(token);
        }

        Assert.Equal(0, host.AuthKit.UserInfoCalls);

        // The stand-in does count: the control tokens behind one space reach it, the unknown ones once each.
        foreach (var token in controls)
        {
            await host.Validation.ValidateAsync(token);
        }

        Assert.Equal(controls.Count(t => t.StartsWith("mat_", StringComparison.Ordinal)), host.AuthKit.UserInfoCalls);
        foreach (var (name, count) in bySeparator.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {name,-24} {count,6}");
        }

        Assert.Equal(Separators.Length, bySeparator.Keys.Count(k => k.StartsWith("between ", StringComparison.Ordinal)));
    }

    private static (string Name, string Header) BadSeparator(Random random, string token)
    {
        var (name, separator) = Separators[random.Next(Separators.Length)];
        string scheme = random.Next(4) == 0 ? RandomCase(random, "bearer") : "Bearer";
        string spaces = new(' ', random.Next(0, 3));
        int roll = random.Next(10);

        // A tab before or after the whole value is optional whitespace (RFC 9110 §5.5), so a tab goes only in between.
        if (roll < 6 || (separator == "\t" && roll >= 8))
        {
            // In place of the space, or beside it on either side.
            return ("between " + name, random.Next(3) switch
            {
                0 => scheme + separator + token,
                1 => scheme + spaces + separator + token,
                _ => scheme + separator + spaces + " " + token,
            });
        }

        if (roll < 8)
        {
            int at = random.Next(1, token.Length);
            return ("inside the token " + name, scheme + " " + token[..at] + separator + token[at..]);
        }

        return random.Next(2) == 0
            ? ("before " + name, separator + scheme + " " + token)
            : ("after " + name, scheme + " " + token + separator);
    }

    private static (Kind Kind, StringValues Values, bool NeverFound) Generate(Random random, string[] registered, string apiKey)
    {
        int roll = random.Next(100);
        return roll switch
        {
            < 12 => (Kind.RandomBytes, RandomBytes(random), false),
            < 14 => (Kind.Huge, Huge(random), true),
            < 24 => (Kind.ControlChar, ControlChar(random), true),
            < 34 => (Kind.Spaces, Spaces(random), false),
            < 44 => (Kind.SchemeCase, RandomCase(random, "bearer") + " " + WellFormedToken(random, registered, apiKey), false),
            < 52 => (Kind.Duplicate, Duplicate(random, registered, apiKey), true),
            < 64 => (Kind.NonAscii, NonAsciiHeader(random), true),
            < 74 => (Kind.BadChar, "Bearer " + Insert(random, WellFormedToken(random, registered, apiKey), BadTokenChars[random.Next(BadTokenChars.Length)].ToString(), interior: true), true),
            < 80 => (Kind.OtherScheme, OtherSchemes[random.Next(OtherSchemes.Length)], true),
            < 84 => (Kind.Empty, Empty(random), true),
            _ => (Kind.WellFormed, "Bearer " + WellFormedToken(random, registered, apiKey), false),
        };
    }

    private static string WellFormedToken(Random random, string[] registered, string apiKey)
    {
        int roll = random.Next(100);
        if (roll < 5)
        {
            return registered[random.Next(registered.Length)];
        }

        if (roll < 7)
        {
            return apiKey;
        }

        if (roll < 8)
        {
            // At the limit exactly: still a token.
            return "mat_" + B64Token(random, MaxTokenLength - 4, padding: false);
        }

        string prefix = roll switch
        {
            < 30 => "mat_",
            < 55 => "wcd_",
            < 65 => "MAT_",
            < 70 => "mat",
            _ => "",
        };

        // Mostly unprefixed or API-key shaped: they exercise dispatch without a network call, keeping the run short.
        if (prefix == "mat_" && random.Next(10) != 0)
        {
            prefix = "wcd_";
        }

        return prefix + B64Token(random, random.Next(1, 120), padding: random.Next(10) == 0);
    }

    private static string B64Token(Random random, int length, bool padding)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = B64[random.Next(B64.Length)];
        }

        return new string(chars) + (padding ? new string('=', random.Next(1, 3)) : "");
    }

    private static string RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 96)];
        random.NextBytes(bytes);
        string text = random.Next(2) == 0 ? Encoding.Latin1.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        return random.Next(3) == 0 ? "Bearer " + text : text;
    }

    private static string Huge(Random random)
    {
        int length = random.Next(MaxTokenLength + 1, 65_536);
        return random.Next(3) switch
        {
            0 => "Bearer mat_" + B64Token(random, length, padding: false),
            1 => "Bearer " + new string('A', length) + " " + new string('B', 10),
            _ => "Bearer " + new string('x', length),
        };
    }

    private static string ControlChar(Random random)
    {
        // Any C0 control (tab aside: it is optional whitespace) or DEL, anywhere in an otherwise valid header.
        char control = random.Next(33) switch
        {
            32 => '\u007F',
            var c when c == '\t' => '\0',
            var c => (char)c,
        };
        string header = "Bearer mat_" + B64Token(random, random.Next(8, 64), padding: false);
        int at = random.Next(0, header.Length + 1);
        return header[..at] + control + header[at..];
    }

    private static string Spaces(Random random)
    {
        string token = random.Next(4) == 0 ? "mat_" + B64Token(random, 32, padding: false) : "wcd_" + B64Token(random, 32, padding: false);
        string Ws(int max) => new(random.Next(2) == 0 ? ' ' : '\t', random.Next(0, max));
        return random.Next(5) switch
        {
            0 => Ws(200) + "Bearer" + new string(' ', random.Next(1, 200)) + token + Ws(200),
            1 => "Bearer " + token[..8] + new string(' ', random.Next(1, 20)) + token[8..],
            2 => new string(' ', random.Next(0, 5000)),
            3 => "Bearer" + Ws(50) + "\t" + Ws(50) + token,
            _ => "Bearer  " + token + " extra",
        };
    }

    private static StringValues Duplicate(Random random, string[] registered, string apiKey)
    {
        var values = new string?[random.Next(2, 6)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(10) == 0 ? null : "Bearer " + WellFormedToken(random, registered, apiKey);
        }

        return new StringValues(values);
    }

    private static string NonAsciiHeader(Random random)
    {
        string odd = NonAscii[random.Next(NonAscii.Length)];
        return random.Next(3) switch
        {
            0 => "Bearer " + Insert(random, "mat_" + B64Token(random, 24, padding: false), odd, interior: false),
            1 => Insert(random, "Bearer", odd, interior: false) + " mat_" + B64Token(random, 24, padding: false),
            _ => "Bearer mat_" + B64Token(random, 24, padding: false) + odd,
        };
    }

    private static StringValues Empty(Random random) => random.Next(5) switch
    {
        0 => StringValues.Empty,
        1 => new StringValues((string?)null),
        2 => "",
        3 => "   ",
        _ => "\t \t",
    };

    private static string Insert(Random random, string text, string what, bool interior)
    {
        // Strictly inside, so a space cannot land at the end, where it is optional whitespace rather than a bad character.
        if (interior && text.Length < 2)
        {
            text += "A";
        }

        int at = interior ? random.Next(1, text.Length) : random.Next(0, text.Length + 1);
        return text[..at] + what + text[at..];
    }

    private static string RandomCase(Random random, string text) =>
        string.Create(text.Length, (text, random), static (span, state) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = state.random.Next(2) == 0 ? char.ToUpperInvariant(state.text[i]) : state.text[i];
            }
        });

    private static string Describe(StringValues values) =>
        string.Join(" | ", values.Select(v => v is null ? "(null)" : v.Length > 80 ? v[..80] + "…" : v));
}

using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using TokenValidation.ApiKeys;

namespace TokenValidation.Tests.ApiKeys;

/// <summary>
/// CONTRACT §6: key hashes are compared in fixed time. Timing cannot be asserted without a timed test, so this reads what
/// the compiled API-key code calls: <see cref="CryptographicOperations.FixedTimeEquals"/>, and no early-exit comparison.
/// </summary>
public sealed class FixedTimeComparisonTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void Key_hashes_are_compared_with_FixedTimeEquals_and_never_with_an_early_exit_comparison()
    {
        var called = CalledMethods(typeof(ConfigurationApiKeyStore)).ToList();

        Assert.Contains(called, m => m.DeclaringType == typeof(CryptographicOperations) && m.Name == nameof(CryptographicOperations.FixedTimeEquals));
        Assert.DoesNotContain(called, m => m.Name is "SequenceEqual" or "SequenceCompareTo" or "StartsWith" or "IndexOf");
    }

    [Fact]
    public void No_code_that_handles_api_keys_compares_bytes_with_an_early_exit()
    {
        var types = typeof(ApiKeyOptions).Assembly.GetTypes().Where(t => t.Namespace == typeof(ApiKeyOptions).Namespace);

        var early = types.SelectMany(CalledMethods).Where(m => m.Name is "SequenceEqual" or "SequenceCompareTo").Select(m => m.ToString());

        Assert.Empty(early);
    }

    // Every method the type's own methods (and its compiler-generated nested types: lambdas, state machines) call.
    private static IEnumerable<MethodBase> CalledMethods(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        foreach (var method in methods)
        {
            var il = method.GetMethodBody()?.GetILAsByteArray();
            if (il is null)
            {
                continue;
            }

            for (int at = 0; at < il.Length;)
            {
                short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
                var opCode = OpCodesByValue[value];
                at += opCode.Size;
                if (opCode.OperandType == OperandType.InlineMethod)
                {
                    int token = BitConverter.ToInt32(il, at);
                    var target = method.Module.ResolveMethod(token, type.IsGenericType ? type.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);
                    if (target is not null)
                    {
                        yield return target;
                    }
                }

                at += OperandSize(opCode, il, at);
            }
        }

        foreach (var nested in type.GetNestedTypes(all))
        {
            foreach (var method in CalledMethods(nested))
            {
                yield return method;
            }
        }
    }

    private static int OperandSize(OpCode opCode, byte[] il, int at) => opCode.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}

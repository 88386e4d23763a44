using System.Text.RegularExpressions;

namespace K8sComm.Core.Discovery;

/// <summary>
/// How kubectl's YAML reader (YAML 1.1 rules) types an unquoted scalar. Quoted scalars are always strings.
/// </summary>
internal static partial class Yaml11
{
    public enum Kind { String, Null, Boolean, Number }

    private static readonly HashSet<string> TrueWords = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> FalseWords = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
    private static readonly HashSet<string> NullWords = ["", "~", "null", "Null", "NULL"];

    public static Kind Resolve(YamlTreeScalar scalar)
    {
        if (!scalar.Plain || scalar.TaggedString)
        {
            return Kind.String;
        }

        var value = scalar.Value;
        return NullWords.Contains(value) ? Kind.Null
            : TrueWords.Contains(value) || FalseWords.Contains(value) ? Kind.Boolean
            : Number().IsMatch(value) ? Kind.Number
            : Kind.String;
    }

    public static bool IsTrue(string value) => TrueWords.Contains(value);

    // Integers (decimal, 0x, 0o, 0b, leading-0 octal, '_' separators), floats, and .inf/.nan.
    [GeneratedRegex(@"^(?:[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex Number();
}

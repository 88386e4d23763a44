using System.Text.Json.Nodes;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// The labelSelector query grammar: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, joined by commas. All requirements must hold.
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> requirements) =>
        _requirements = requirements;

    public static readonly LabelSelector Everything = new([]);

    public bool Matches(JsonObject item)
    {
        var labels = new Dictionary<string, string>();
        if (item["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map) labels[key] = value?.GetValue<string>() ?? "";
        }

        return _requirements.All(r => r(labels));
    }

    /// <summary>Parses a selector; throws <see cref="FormatException"/> with a message fit for a 400 Status.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0) throw new FormatException($"unable to parse requirement: empty requirement in \"{text}\"");
            requirements.Add(ParseRequirement(part));
        }

        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part)
    {
        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ", StringComparison.Ordinal) || words[1].StartsWith("in(", StringComparison.Ordinal) ||
                                  words[1].StartsWith("notin", StringComparison.Ordinal)))
        {
            var key = CheckKey(words[0]);
            var negate = words[1].StartsWith("notin", StringComparison.Ordinal);
            var list = words[1][(negate ? 5 : 2)..].Trim();
            if (!list.StartsWith('(') || !list.EndsWith(')'))
                throw new FormatException($"unable to parse requirement: expected a parenthesized value list in \"{part}\"");
            var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries).Select(CheckValue).ToHashSet();
            return negate
                ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                : labels => labels.TryGetValue(key, out var v) && values.Contains(v);
        }

        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = part.IndexOf(op, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = CheckKey(part[..at].Trim());
            var value = CheckValue(part[(at + op.Length)..].Trim());
            return op == "!="
                ? labels => !labels.TryGetValue(key, out var v) || v != value
                : labels => labels.TryGetValue(key, out var v) && v == value;
        }

        if (part.StartsWith('!'))
        {
            var key = CheckKey(part[1..].Trim());
            return labels => !labels.ContainsKey(key);
        }

        var exists = CheckKey(part);
        return labels => labels.ContainsKey(exists);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static string CheckKey(string key)
    {
        if (key.Length == 0 || key.Length > 317 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            throw new FormatException($"unable to parse requirement: invalid label key \"{key}\"");
        return key;
    }

    private static string CheckValue(string value)
    {
        if (value.Length > 63 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new FormatException($"unable to parse requirement: invalid label value \"{value}\"");
        return value;
    }
}

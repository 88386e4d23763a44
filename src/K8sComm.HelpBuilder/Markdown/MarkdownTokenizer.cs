using System.Text;
using System.Text.RegularExpressions;

namespace K8sComm.HelpBuilder.Markdown;

/// <summary>
/// Splits a PlatyPS-schema markdown file into headings, code blocks and paragraphs with the same rules
/// PlatyPS 0.14 applies in its "full" mode, so that text flattens exactly as New-ExternalHelp flattens it:
/// the earliest match of a fixed list of patterns wins (ties go to the earlier pattern), and the text in
/// between becomes plain spans. Line breaks inside running text are not patterns of their own; they are
/// resolved when a span is flattened (see <see cref="Flatten"/>).
/// </summary>
public static partial class MarkdownTokenizer
{
    private delegate void Emit(Builder builder, Match match, int line);

    private sealed record Pattern(string Name, Regex Regex, Emit Emit);

    // Order matters: on equal positions the earlier pattern wins.
    private static readonly Pattern[] Patterns =
    [
        new("heading", HeadingAtStart(), (b, m, l) => b.AddHeading(m.Groups[1].Value.Length, m.Groups[2].Value, l)),
        new("heading-after-break", HeadingAfterBreak(), (b, m, l) =>
            b.AddHeading(m.Groups[2].Value.Length, m.Groups[3].Value, l + m.Groups[1].Captures.Count)),
        new("underlined-heading", UnderlinedHeading(), (b, m, l) =>
            b.AddHeading(m.Groups[2].Value[0] == '=' ? 1 : 2, m.Groups[1].Value, l)),
        new("fence", Fence(), (b, m, l) => b.AddCodeBlock(m.Groups[1].Value, m.Groups[3].Value.Trim(), l)),
        new("hard-break", HardBreak(), (b, _, l) => b.AddSpan(new Span(SpanKind.HardBreak, "\n", l))),
        new("link", Link(), (b, m, l) => b.AddSpan(new Span(SpanKind.Link, m.Groups[1].Value, l, m.Groups[2].Value))),
        new("bold", Bold(), (b, m, l) => b.AddSpan(new Span(SpanKind.Bold, Flatten(m.Groups[1].Value), l))),
        new("italic", Italic(), (b, m, l) => b.AddSpan(new Span(SpanKind.Italic, Flatten(m.Groups[1].Value), l))),
        new("bold-underscore", BoldUnderscore(), (b, m, l) => b.AddSpan(new Span(SpanKind.Bold, Flatten(m.Groups[1].Value), l))),
        new("italic-underscore", ItalicUnderscore(), (b, m, l) => b.AddSpan(new Span(SpanKind.Italic, Flatten(m.Groups[1].Value), l))),
    ];

    /// <summary>Front matter (the <c>---</c> block at the top) as key/value pairs; empty values are null.</summary>
    public static IReadOnlyDictionary<string, string?> ReadFrontMatter(string markdown)
    {
        var text = Prepare(markdown);
        var end = FrontMatterEnd(text);
        return end < 0
            ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            : ParseKeyValues(text[5..end]);
    }

    /// <summary>Reads the blocks of the document that follows the front matter.</summary>
    public static IReadOnlyList<MarkdownNode> Tokenize(string markdown)
    {
        var text = Prepare(markdown);
        var firstLine = 1 + CountLineBreaks(markdown, markdown.Length - markdown.TrimStart().Length);
        var end = FrontMatterEnd(text);
        if (end >= 0)
        {
            var rest = text[(end + 5)..];
            var body = rest.TrimStart();
            firstLine += CountLineBreaks(text, end + 5) + CountLineBreaks(rest, rest.Length - body.Length);
            text = body;
        }

        var builder = new Builder();
        var lines = new LineCounter(text, firstLine);
        var offset = 0;

        // A pattern's leftmost match at or after an earlier offset is still its leftmost match at or
        // after a later one, as long as it does not start before it; caching it keeps this linear.
        var next = new Match?[Patterns.Length];
        while (offset < text.Length)
        {
            Match? first = null;
            Pattern? winner = null;
            for (var i = 0; i < Patterns.Length; i++)
            {
                var pattern = Patterns[i];
                if (pattern.Name == "heading" && text[offset] != '#')
                {
                    continue;
                }

                if (next[i] is not { } match || (match.Success && match.Index < offset) || pattern.Name == "heading")
                {
                    match = next[i] = pattern.Regex.Match(text, offset);
                }

                if (match.Success && (first is null || match.Index < first.Index))
                {
                    first = match;
                    winner = pattern;
                    if (match.Index == offset)
                    {
                        break;
                    }
                }
            }

            if (first is null)
            {
                builder.AddText(text[offset..], lines.LineAt(offset));
                break;
            }

            if (first.Index > offset)
            {
                builder.AddText(text[offset..first.Index], lines.LineAt(offset));
            }

            winner!.Emit(builder, first, lines.LineAt(first.Index));
            offset = first.Index + first.Length;
        }

        builder.EndParagraph();
        return builder.Nodes;
    }

    /// <summary>
    /// Turns the raw text of a span into help text: markdown escapes undone, single line breaks become
    /// spaces, a blank line separates paragraphs (kept as CRLF), and list items keep their own lines.
    /// </summary>
    public static string Flatten(string raw)
    {
        var text = raw.Trim()
            .Replace(@"\[", "[").Replace(@"\]", "]")
            .Replace(@"\(", "(").Replace(@"\)", ")")
            .Replace(@"\`", "`")
            .Replace(@"\<", "<").Replace(@"\>", ">")
            .Replace(@"\_", "_").Replace(@"\*", "*")
            .Replace(@"\\", @"\");

        var previous = "foo"; // anything that is not a list item
        var inList = false;
        var joined = LineWithBreak().Replace(text, match =>
        {
            var before = previous;
            var line = match.Groups[1].Value;
            previous = line;
            if (string.IsNullOrWhiteSpace(line))
            {
                return "\r\n";
            }

            if (IsListItem(before) && IsListItem(line))
            {
                inList = true;
                return "\r\n" + line;
            }

            if (inList)
            {
                // The list just ended: keep the text after it on a line of its own.
                inList = false;
                line = "\r\n" + line;
            }

            return line + " ";
        });
        return joined.Replace(" \r\n", "\r\n").Trim();
    }

    private static bool IsListItem(string line) =>
        line.Length >= 2 && ((line[0] == '-' && (line[1] == '-' || line[1] == ' ')) || (line[0] == '*' && line[1] == ' '));

    internal static Dictionary<string, string?> ParseKeyValues(string block)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var rawLine in block.Split(["\r\n", "\n"], StringSplitOptions.None))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                throw new FormatException($"expected 'key: value', got '{line}'");
            }

            var value = line[(colon + 1)..].Trim();
            result[line[..colon].Trim()] = value.Length == 0 ? null : value;
        }

        return result;
    }

    // PlatyPS works on CRLF text with leading whitespace removed and en dashes turned into hyphens.
    private static string Prepare(string markdown) =>
        CrLf().Replace(markdown.TrimStart().Replace('\u2013', '-'), "\r\n");

    private static int FrontMatterEnd(string text) =>
        text.StartsWith("---\r\n", StringComparison.Ordinal) ? text.IndexOf("\r\n---", 5, StringComparison.Ordinal) : -1;

    private static int CountLineBreaks(string text, int length)
    {
        var count = 0;
        for (var i = 0; i < length; i++)
        {
            if (text[i] == '\n')
            {
                count++;
            }
        }

        return count;
    }

    private sealed class LineCounter(string text, int firstLine)
    {
        private int _offset;
        private int _line = firstLine;

        public int LineAt(int offset)
        {
            // Offsets only grow while tokenizing, so counting forward is enough.
            for (; _offset < offset && _offset < text.Length; _offset++)
            {
                if (text[_offset] == '\n')
                {
                    _line++;
                }
            }

            return _line;
        }
    }

    private sealed class Builder
    {
        private List<Span>? _spans;
        private int _paragraphLine;

        public List<MarkdownNode> Nodes { get; } = [];

        public void AddHeading(int level, string text, int line)
        {
            EndParagraph();
            Nodes.Add(new HeadingNode(level, text, line));
        }

        public void AddCodeBlock(string language, string text, int line)
        {
            EndParagraph();
            Nodes.Add(new CodeBlockNode(language, text, line));
        }

        public void AddText(string raw, int line)
        {
            if (!string.IsNullOrWhiteSpace(raw))
            {
                var leading = raw.Length - raw.TrimStart().Length;
                AddSpan(new Span(SpanKind.Text, Flatten(raw), line + CountLineBreaks(raw, leading)));
            }
        }

        public void AddSpan(Span span)
        {
            if (_spans is null)
            {
                _spans = [];
                _paragraphLine = span.Line;
            }

            _spans.Add(span);
        }

        public void EndParagraph()
        {
            if (_spans is { Count: > 0 })
            {
                Nodes.Add(new ParagraphNode(_spans, _paragraphLine));
            }

            _spans = null;
        }
    }

    [GeneratedRegex(@"(#+)[ ]*(.+?)[ ]*#*(\r\n)+")]
    private static partial Regex HeadingAtStart();

    [GeneratedRegex(@"(\r\n)+(#+)[ ]*(.+?)[ ]*#*(\r\n)+")]
    private static partial Regex HeadingAfterBreak();

    [GeneratedRegex(@"(.+?)[ ]*\r\n(==+|--+)[ ]*(\r\n)+")]
    private static partial Regex UnderlinedHeading();

    [GeneratedRegex(@"```(\w*)(\r\n)*((.|\r\n)*?)```(\r\n)*")]
    private static partial Regex Fence();

    [GeneratedRegex(@"[ ]{2}\r\n")]
    private static partial Regex HardBreak();

    [GeneratedRegex(@"\[(.+?)\]\((.*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"\*(.+?)\*")]
    private static partial Regex Italic();

    [GeneratedRegex(@"(?<![a-zA-Z0-9])__(.+?)__(?![a-zA-Z0-9])")]
    private static partial Regex BoldUnderscore();

    [GeneratedRegex(@"(?<![a-zA-Z0-9])_(.+?)_(?![a-zA-Z0-9])")]
    private static partial Regex ItalicUnderscore();

    [GeneratedRegex(@"([^\r\n]*)(\r\n|$)")]
    private static partial Regex LineWithBreak();

    [GeneratedRegex("\r\n?|\n")]
    private static partial Regex CrLf();
}

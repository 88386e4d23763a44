namespace K8sComm.HelpBuilder.Markdown;

/// <summary>A block of a help markdown file, with the 1-based line it starts on (for error messages).</summary>
public abstract record MarkdownNode(int Line);

public sealed record HeadingNode(int Level, string Text, int Line) : MarkdownNode(Line);

/// <summary>A fenced code block; <see cref="Language"/> is the word after the opening fence.</summary>
public sealed record CodeBlockNode(string Language, string Text, int Line) : MarkdownNode(Line);

/// <summary>Running text between headings and code blocks, split into spans the way PlatyPS splits it.</summary>
public sealed record ParagraphNode(IReadOnlyList<Span> Spans, int Line) : MarkdownNode(Line);

public enum SpanKind { Text, Bold, Italic, Link, HardBreak }

/// <summary>One span of a paragraph. For links, <see cref="Uri"/> holds the target.</summary>
public sealed record Span(SpanKind Kind, string Text, int Line, string Uri = "")
{
    /// <summary>Links and emphasis are set apart from their neighbours by a space when text is flattened.</summary>
    public bool IsSpecial => Kind is SpanKind.Link or SpanKind.Bold or SpanKind.Italic;
}

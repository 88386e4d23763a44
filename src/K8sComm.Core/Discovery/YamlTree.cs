using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace K8sComm.Core.Discovery;

/// <summary>A YAML node with the line it starts on (1-based).</summary>
internal abstract record YamlTreeNode(int Line);

internal sealed record YamlTreeScalar(int Line, string Value, bool Plain, bool TaggedString) : YamlTreeNode(Line);

internal sealed record YamlTreeSequence(int Line, List<YamlTreeNode> Items) : YamlTreeNode(Line);

/// <summary>Keys in file order; a key may repeat (kubectl lets the last one count).</summary>
internal sealed record YamlTreeMapping(int Line, List<KeyValuePair<YamlTreeNode, YamlTreeNode>> Entries) : YamlTreeNode(Line);

/// <summary>
/// Builds a small node tree of the first YAML document from YamlDotNet's event parser. Unlike its
/// representation model it accepts repeated mapping keys, as kubectl's YAML reader does, and it never
/// looks past the first document.
/// </summary>
internal static class YamlTree
{
    /// <summary>
    /// How deep collections may nest. A kubeconfig needs about six levels; kubectl stops at 10,000, but
    /// reading is recursive and must fit the 1 MB stack of any thread (tab completion runs on pwsh's), so
    /// a hostile file ends in a clear error, not a stack overflow that kills the shell.
    /// </summary>
    public const int MaxDepth = 500;

    /// <summary>The first document's root, or null for an empty stream. Throws YamlException on bad syntax
    /// or nesting deeper than <see cref="MaxDepth"/>.</summary>
    public static YamlTreeNode? Load(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (!parser.TryConsume<DocumentStart>(out _))
        {
            return null;
        }

        return Read(parser, new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal), 0);
    }

    private static YamlTreeNode Read(IParser parser, Dictionary<string, YamlTreeNode> anchors, int depth)
    {
        var current = parser.Current ?? throw new SyntaxErrorException("unexpected end of the document");
        var line = (int)current.Start.Line;
        if (depth > MaxDepth && current is SequenceStart or MappingStart)
        {
            throw new SyntaxErrorException(current.Start, current.End, $"exceeded max depth of {MaxDepth}");
        }

        switch (current)
        {
            case Scalar scalar:
            {
                parser.MoveNext();
                var node = new YamlTreeScalar(line, scalar.Value, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any,
                    !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str");
                return Anchor(anchors, scalar.Anchor, node);
            }

            case SequenceStart start:
            {
                parser.MoveNext();
                var node = new YamlTreeSequence(line, []);
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    node.Items.Add(Read(parser, anchors, depth + 1));
                }

                // Named only when complete: an alias inside its own anchor would make a cycle.
                return Anchor(anchors, start.Anchor, node);
            }

            case MappingStart start:
            {
                parser.MoveNext();
                var node = new YamlTreeMapping(line, []);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = Read(parser, anchors, depth + 1);
                    node.Entries.Add(new(key, Read(parser, anchors, depth + 1)));
                }

                return Anchor(anchors, start.Anchor, node);
            }

            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new SemanticErrorException(current.Start, current.End, "an alias refers to an anchor that is not defined before it");

            default:
                throw new SyntaxErrorException(current.Start, current.End, "unexpected YAML structure");
        }
    }

    private static T Anchor<T>(Dictionary<string, YamlTreeNode> anchors, AnchorName anchor, T node) where T : YamlTreeNode
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }

        return node;
    }
}

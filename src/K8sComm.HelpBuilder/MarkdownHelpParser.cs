using K8sComm.HelpBuilder.Markdown;
using K8sComm.HelpBuilder.Model;

namespace K8sComm.HelpBuilder;

/// <summary>
/// Reads PlatyPS schema 2.0.0 markdown into <see cref="CommandHelp"/>, following the grammar of PlatyPS
/// 0.14's transformer: a level-1 heading per command, level-2 section headings, level-3 entries
/// (parameter sets, examples, parameters, input and output types). Syntax comes from the parameters'
/// yaml blocks, not from the SYNTAX code blocks.
/// </summary>
public sealed class MarkdownHelpParser
{
    private const string AllSets = "(All)";

    private readonly string _file;
    private readonly IReadOnlyList<MarkdownNode> _nodes;
    private int _next;
    private string? _heading;

    private MarkdownHelpParser(string file, IReadOnlyList<MarkdownNode> nodes)
    {
        _file = file;
        _nodes = nodes;
    }

    /// <summary>Parses one markdown file; <paramref name="file"/> names it in error messages.</summary>
    public static IReadOnlyList<CommandHelp> Parse(string markdown, string file)
    {
        var metadata = MarkdownTokenizer.ReadFrontMatter(markdown);
        if (metadata.TryGetValue("schema", out var schema) && schema is not null && schema != "2.0.0")
        {
            throw new HelpSchemaException(file, 1, null, $"schema {schema} is not supported; use schema: 2.0.0");
        }

        return new MarkdownHelpParser(file, MarkdownTokenizer.Tokenize(markdown)).ReadCommands(metadata);
    }

    private List<CommandHelp> ReadCommands(IReadOnlyDictionary<string, string?> metadata)
    {
        var commands = new List<CommandHelp>();
        while (Next() is { } node)
        {
            if (node is not HeadingNode heading)
            {
                continue; // PlatyPS ignores text before the first command heading
            }

            if (heading.Level != 1)
            {
                throw Error(heading, $"expected a level-1 command heading, found level {heading.Level} '{heading.Text}'");
            }

            _heading = heading.Text;
            var command = new CommandHelp { Name = heading.Text, SourceFile = _file, Metadata = metadata };
            while (ReadSection(command))
            {
            }

            AddOnlineVersionLink(command);
            commands.Add(command);
        }

        return commands;
    }

    private bool ReadSection(CommandHelp command)
    {
        var heading = ExpectHeading(2);
        if (heading is null)
        {
            return false;
        }

        _heading = heading.Text;
        switch (heading.Text.ToUpperInvariant())
        {
            case "SYNOPSIS": command.Synopsis = ParagraphText(); break;
            case "DESCRIPTION": command.Description = ParagraphText(); break;
            case "NOTES": command.Notes = ParagraphText(); break;
            case "SYNTAX": ReadSyntax(command); break;
            case "EXAMPLES": ReadExamples(command); break;
            case "PARAMETERS": ReadParameters(command); break;
            case "INPUTS": ReadTypes(command.Inputs); break;
            case "OUTPUTS": ReadTypes(command.Outputs); break;
            case "RELATED LINKS": ReadLinks(command); break;
            default:
                throw Error(heading, $"unknown section '{heading.Text}' (expected SYNOPSIS, SYNTAX, DESCRIPTION, " +
                                     "EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES or RELATED LINKS)");
        }

        return true;
    }

    private void ReadSyntax(CommandHelp command)
    {
        while (true)
        {
            var node = Next();
            if (node is CodeBlockNode unnamed)
            {
                command.SyntaxBlocks.Add((AllSets, unnamed.Text));
                continue;
            }

            Unget(node);
            var heading = ExpectHeading(3);
            if (heading is null)
            {
                return;
            }

            _heading = heading.Text;
            var code = NextCodeBlock();
            command.SyntaxBlocks.Add((heading.Text, code?.Text ?? ""));
        }
    }

    private void ReadExamples(CommandHelp command)
    {
        while (ExpectHeading(3) is { } heading)
        {
            _heading = heading.Text;

            // Text before the code is allowed by the schema, but PlatyPS 0.14 leaves it out of MAML.
            _ = ParagraphText();
            var blocks = new List<string>();
            while (NextCodeBlock() is { } code)
            {
                blocks.Add(code.Text);
            }

            command.Examples.Add(new ExampleHelp(heading.Text, string.Join("\r\n\r\n", blocks), ParagraphText()));
        }
    }

    private void ReadParameters(CommandHelp command)
    {
        var setsByParameter = new List<Dictionary<string, ParameterHelp>>();
        while (ExpectHeading(3) is { } heading)
        {
            _heading = heading.Text;
            var name = heading.Text.StartsWith('-') ? heading.Text[1..] : heading.Text;
            var description = DescriptionUntilYaml();
            if (name.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
            {
                command.SupportsCommonParameters = true;
                continue;
            }

            if (name.Equals("WorkflowParameters", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Each yaml block describes the parameter in some sets; the first one is what the
            // parameters section shows, and every one of them takes part in the syntax.
            var sets = new Dictionary<string, ParameterHelp>(StringComparer.OrdinalIgnoreCase);
            var yamlBlocks = new List<string>();
            ParameterHelp? first = null;
            while (NextCodeBlock() is { } yaml)
            {
                var parameter = new ParameterHelp { Name = name, Description = description };
                var pairs = ReadYaml(yaml);
                Fill(parameter, pairs);
                yamlBlocks.Add(yaml.Text);
                first ??= parameter;

                var setNames = pairs.GetValueOrDefault("Parameter Sets") is { } list ? SplitList(list) : [AllSets];
                foreach (var set in setNames.Where(s => s.Length > 0))
                {
                    sets[set] = parameter;
                }
            }

            first ??= new ParameterHelp { Name = name, Description = description };
            first.YamlBlocks.AddRange(yamlBlocks);
            command.Parameters.Add(first);
            setsByParameter.Add(sets);
        }

        BuildSyntax(command, setsByParameter);
    }

    // Set names in order of first appearance; "(All)" stands for every set and only gets a syntax item
    // of its own when no parameter names a set.
    private static void BuildSyntax(CommandHelp command, List<Dictionary<string, ParameterHelp>> setsByParameter)
    {
        var setNames = new List<string>();
        foreach (var name in setsByParameter.SelectMany(sets => sets.Keys))
        {
            if (!setNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                setNames.Add(name);
            }
        }

        if (setNames.Count == 0)
        {
            command.Syntax.Add(new SyntaxHelp());
            return;
        }

        foreach (var setName in setNames)
        {
            if (setName == AllSets && setNames.Count > 1)
            {
                continue;
            }

            var syntax = new SyntaxHelp { ParameterSetName = setName == AllSets ? null : setName };
            var members = new List<ParameterHelp>();
            foreach (var sets in setsByParameter)
            {
                if (sets.TryGetValue(setName, out var member))
                {
                    members.Add(member);
                }
                else if (sets.Count == 1 && sets.ContainsKey(AllSets))
                {
                    members.Add(sets[AllSets]);
                }
            }

            // Positional parameters first; a stable sort on the position text, as PlatyPS does.
            syntax.Parameters.AddRange(members.OrderBy(p => p.Position, StringComparer.InvariantCulture));
            command.Syntax.Add(syntax);
        }
    }

    private static readonly string[] KnownYamlKeys =
    [
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value",
        "Accept pipeline input", "Accept wildcard characters", "Applicable",
    ];

    private Dictionary<string, string?> ReadYaml(CodeBlockNode block)
    {
        Dictionary<string, string?> pairs;
        try
        {
            pairs = MarkdownTokenizer.ParseKeyValues(block.Text);
        }
        catch (FormatException e)
        {
            throw Error(block, "invalid yaml block: " + e.Message);
        }

        foreach (var key in pairs.Keys)
        {
            if (!KnownYamlKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Error(block, $"unknown yaml key '{key}'");
            }
        }

        return pairs;
    }

    private static void Fill(ParameterHelp parameter, Dictionary<string, string?> pairs)
    {
        string? Get(string key) => pairs.GetValueOrDefault(key);

        parameter.Type = Get("Type");
        parameter.Aliases = Get("Aliases") is { } aliases ? SplitList(aliases) : [];
        if (Get("Accepted values") is { } values)
        {
            parameter.AcceptedValues.AddRange(SplitList(values));
        }

        parameter.Required = string.Equals(Get("Required"), "true", StringComparison.OrdinalIgnoreCase);
        parameter.Position = Get("Position") ?? "named";
        parameter.DefaultValue = Get("Default value");
        parameter.PipelineInput = Get("Accept pipeline input") ?? "false";
        parameter.Globbing = string.Equals(Get("Accept wildcard characters"), "true", StringComparison.OrdinalIgnoreCase);
    }

    private static string[] SplitList(string value) => value.Split(',').Select(v => v.Trim()).ToArray();

    private void ReadTypes(List<TypeHelp> types)
    {
        while (ExpectHeading(3) is { } heading)
        {
            _heading = heading.Text;
            types.Add(new TypeHelp(heading.Text, ParagraphText()));
        }
    }

    private void ReadLinks(CommandHelp command)
    {
        var node = Next();
        if (node is not ParagraphNode paragraph)
        {
            Unget(node);
            return;
        }

        foreach (var span in paragraph.Spans)
        {
            if (span.Kind != SpanKind.Link)
            {
                throw new HelpSchemaException(_file, span.Line, _heading, $"expected only links like [text](uri), found '{span.Text}'");
            }

            command.Links.Add(new LinkHelp(span.Text, span.Uri));
        }
    }

    // New-ExternalHelp puts the front matter's online version first, unless the first link already is it.
    private static void AddOnlineVersionLink(CommandHelp command)
    {
        if (command.Metadata.GetValueOrDefault("online version") is { Length: > 0 } url
            && (command.Links.Count == 0 || command.Links[0].Uri != url))
        {
            command.Links.Insert(0, new LinkHelp("Online Version:", url));
        }
    }

    /// <summary>The text of one paragraph node, or "" when a heading or code block comes first.</summary>
    private string ParagraphText()
    {
        var node = Next();
        if (node is ParagraphNode paragraph)
        {
            return Flatten(paragraph);
        }

        Unget(node);
        return "";
    }

    // A parameter's description may mix paragraphs and code blocks until its first yaml block.
    private string DescriptionUntilYaml()
    {
        var parts = new List<string>();
        while (Next() is { } node)
        {
            if (node is ParagraphNode paragraph)
            {
                parts.Add(Flatten(paragraph));
            }
            else if (node is CodeBlockNode code && !code.Language.Equals("yaml", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add(code.Text);
            }
            else
            {
                Unget(node);
                break;
            }
        }

        return string.Join("\r\n\r\n", parts);
    }

    // Plain spans follow each other directly; links and emphasis are set off by a space, and a link
    // with a target is followed by the target in parentheses.
    private static string Flatten(ParagraphNode paragraph)
    {
        var text = new System.Text.StringBuilder();
        var previousSpecial = false;
        for (var i = 0; i < paragraph.Spans.Count; i++)
        {
            var span = paragraph.Spans[i];
            if ((i > 0 && span.IsSpecial) || previousSpecial)
            {
                text.Append(' ');
            }

            text.Append(span.Text);
            previousSpecial = span.IsSpecial;
            if (span.Kind == SpanKind.Link && !string.IsNullOrWhiteSpace(span.Uri))
            {
                text.Append(" (").Append(span.Uri).Append(')');
                previousSpecial = false;
            }
        }

        return text.ToString();
    }

    private CodeBlockNode? NextCodeBlock()
    {
        var node = Next();
        if (node is CodeBlockNode code)
        {
            return code;
        }

        Unget(node);
        return null;
    }

    /// <summary>
    /// The next heading if it has the given level; null (and nothing consumed) at the end or at a
    /// higher-level heading; an error for anything else.
    /// </summary>
    private HeadingNode? ExpectHeading(int level)
    {
        var node = Next();
        switch (node)
        {
            case null:
                return null;
            case HeadingNode heading when heading.Level < level:
                Unget(node);
                return null;
            case HeadingNode heading when heading.Level == level:
                return heading;
            case HeadingNode heading:
                throw Error(heading, $"expected a level-{level} heading, found level {heading.Level} '{heading.Text}'");
            case CodeBlockNode:
                throw Error(node, $"expected a level-{level} heading, found a code block");
            default:
                throw Error(node, $"expected a level-{level} heading, found text " +
                                  "(only one block of text is allowed here, and it must come before any code block)");
        }
    }

    private MarkdownNode? Next() => _next < _nodes.Count ? _nodes[_next++] : null;

    // Steps back over the node just read; reading past the end consumed nothing.
    private void Unget(MarkdownNode? node)
    {
        if (node is not null)
        {
            _next--;
        }
    }

    private HelpSchemaException Error(MarkdownNode node, string problem) =>
        new(_file, node.Line, node is HeadingNode h && h.Text == _heading ? null : _heading, problem);
}

using System.Text;
using System.Xml;
using System.Xml.Linq;
using K8sComm.HelpBuilder.Model;

namespace K8sComm.HelpBuilder;

/// <summary>
/// Writes MAML the way PlatyPS 0.14.2's New-ExternalHelp does on PowerShell 7 for Linux: the same
/// element order and attributes, two-space indentation, LF line ends, no newline after the root.
/// The caller adds the UTF-8 byte order mark when writing the file (see <see cref="ExternalHelpBuilder"/>).
/// </summary>
public static class MamlRenderer
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    public static string Render(IEnumerable<CommandHelp> commands)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(CommandElement));
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
            OmitXmlDeclaration = true,
            NamespaceHandling = NamespaceHandling.OmitDuplicates,
        };

        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        using (var writer = XmlWriter.Create(text, settings))
        {
            root.WriteTo(writer);
        }

        return text.ToString();
    }

    private static XElement CommandElement(CommandHelp command)
    {
        var verb = command.Name.Split('-')[0];
        var noun = command.Name[Math.Min(verb.Length + 1, command.Name.Length)..];
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", command.Name),
                new XElement(Command + "verb", verb),
                new XElement(Command + "noun", noun),
                new XElement(Maml + "description", Paragraphs(command.Synopsis))),
            new XElement(Maml + "description", Paragraphs(command.Description)),
            new XElement(Command + "syntax", command.Syntax.Select(s =>
                new XElement(Command + "syntaxItem",
                    new XElement(Maml + "name", command.Name),
                    s.Parameters.Select(p => ParameterElement(p, inSyntax: true))))),
            new XElement(Command + "parameters", command.Parameters.Select(p => ParameterElement(p, inSyntax: false))),
            new XElement(Command + "inputTypes", command.Inputs.Select(t => TypeElement("inputType", t))),
            new XElement(Command + "returnValues", command.Outputs.Select(t => TypeElement("returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(command.Notes))),
            new XElement(Command + "examples", command.Examples.Select(ExampleElement)),
            new XElement(Command + "relatedLinks", command.Links.Select(LinkElement)));
    }

    private static XElement ParameterElement(ParameterHelp parameter, bool inSyntax)
    {
        var type = parameter.Type is null ? "" : parameter.IsSwitch ? "SwitchParameter" : parameter.Type;
        var isSwitch = type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";

        // Syntax items list accepted values and leave out the value of a switch, as Get-Help expects.
        return new XElement(Command + "parameter",
            new XAttribute("required", parameter.Required),
            new XAttribute("variableLength", parameter.VariableLength),
            new XAttribute("globbing", parameter.Globbing),
            new XAttribute("pipelineInput", parameter.PipelineInput),
            new XAttribute("position", parameter.Position.ToLowerInvariant()),
            new XAttribute("aliases", parameter.Aliases.Count > 0 ? string.Join(", ", parameter.Aliases) : "none"),
            new XElement(Maml + "name", parameter.Name),
            new XElement(Maml + "description", Paragraphs(parameter.Description)),
            inSyntax && parameter.AcceptedValues.Count > 0
                ? new XElement(Command + "parameterValueGroup", parameter.AcceptedValues.Select(value =>
                    new XElement(Command + "parameterValue",
                        new XAttribute("required", "false"),
                        new XAttribute(Command + "variableLength", "false"),
                        value)))
                : null,
            !inSyntax || !isSwitch
                ? new XElement(Command + "parameterValue",
                    new XAttribute("required", parameter.ValueRequired),
                    new XAttribute("variableLength", parameter.ValueVariableLength),
                    type)
                : null,
            new XElement(Dev + "type", new XElement(Maml + "name", type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue",
                isSwitch && (string.IsNullOrEmpty(parameter.DefaultValue) || parameter.DefaultValue == "None")
                    ? "False"
                    : parameter.DefaultValue ?? "None"));
    }

    private static XElement TypeElement(string elementName, TypeHelp type) =>
        new(Command + elementName,
            new XElement(Dev + "type", new XElement(Maml + "name", type.TypeName)),
            new XElement(Maml + "description", Paragraphs(type.Description)));

    private static XElement ExampleElement(ExampleHelp example) =>
        new(Command + "example",
            new XElement(Maml + "title", PadTitle(example.Title)),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks)));

    // Links that are not absolute URIs (relative links between markdown files) keep their text only.
    private static XElement LinkElement(LinkHelp link) =>
        new(Maml + "navigationLink",
            new XElement(Maml + "linkText", link.Text),
            new XElement(Maml + "uri", Uri.TryCreate(link.Uri, UriKind.Absolute, out _) ? link.Uri : ""));

    /// <summary>One maml:para per CRLF-separated paragraph; none at all for a missing section.</summary>
    private static IEnumerable<XElement> Paragraphs(string? text) =>
        text is null ? [] : text.Split("\r\n").Select(p => new XElement(Maml + "para", p));

    /// <summary>Centres an example title in dashes, about 64 characters wide, like Get-Help's own examples.</summary>
    public static string PadTitle(string title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length >= 62)
        {
            return title;
        }

        var dashes = new string('-', (64 - title.Length - 2) / 2);
        return $"{dashes} {title} {dashes}";
    }
}

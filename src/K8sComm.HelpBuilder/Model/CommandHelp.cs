namespace K8sComm.HelpBuilder.Model;

/// <summary>
/// The help of one command as PlatyPS models it before rendering MAML. Text fields hold paragraphs
/// separated by CRLF, as the markdown reader produced them.
/// </summary>
public sealed class CommandHelp
{
    public required string Name { get; init; }
    public required string SourceFile { get; init; }
    public IReadOnlyDictionary<string, string?> Metadata { get; init; } = new Dictionary<string, string?>();
    public string? Synopsis { get; set; }
    public string? Description { get; set; }
    public string? Notes { get; set; }
    public List<SyntaxHelp> Syntax { get; } = [];
    public List<ParameterHelp> Parameters { get; } = [];
    public List<TypeHelp> Inputs { get; } = [];
    public List<TypeHelp> Outputs { get; } = [];
    public List<ExampleHelp> Examples { get; } = [];
    public List<LinkHelp> Links { get; } = [];

    /// <summary>The code blocks of the SYNTAX section, by parameter set heading (for consistency checks only).</summary>
    public List<(string Heading, string Code)> SyntaxBlocks { get; } = [];

    /// <summary>True when the PARAMETERS section has a CommonParameters entry.</summary>
    public bool SupportsCommonParameters { get; set; }
}

/// <summary>One parameter, filled from the first yaml block under its heading.</summary>
public sealed class ParameterHelp
{
    public required string Name { get; init; }
    public string Description { get; set; } = "";
    public string? Type { get; set; }
    public bool Required { get; set; }
    public string Position { get; set; } = "named";
    public string? DefaultValue { get; set; }
    public string PipelineInput { get; set; } = "false";
    public bool Globbing { get; set; }
    public IReadOnlyList<string> Aliases { get; set; } = [];
    public List<string> AcceptedValues { get; } = [];

    // MAML's value attributes; PlatyPS never reads them from markdown.
    public bool VariableLength => true;
    public bool ValueVariableLength => false;
    public bool ValueRequired => !IsSwitch;

    /// <summary>The yaml blocks as written (for consistency checks between cultures).</summary>
    public List<string> YamlBlocks { get; } = [];

    public bool IsSwitch =>
        Type is not null && (Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase)
                             || Type.Equals("switch", StringComparison.OrdinalIgnoreCase)
                             || Type.Equals("System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase));
}

/// <summary>A syntax item: the parameters of one parameter set, in the order MAML lists them.</summary>
public sealed class SyntaxHelp
{
    public string? ParameterSetName { get; init; }
    public List<ParameterHelp> Parameters { get; } = [];
}

public sealed record TypeHelp(string TypeName, string Description);

public sealed record ExampleHelp(string Title, string Code, string Remarks);

public sealed record LinkHelp(string Text, string Uri);

namespace K8sComm.HelpBuilder;

/// <summary>Markdown that breaks the PlatyPS help schema; says which file, line and heading.</summary>
public sealed class HelpSchemaException(string file, int line, string? heading, string problem)
    : Exception(heading is null ? $"{file}:{line}: {problem}" : $"{file}:{line}: under '{heading}': {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string? Heading { get; } = heading;
    public string Problem { get; } = problem;
}

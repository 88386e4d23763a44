using System.Text;
using K8sComm.HelpBuilder.Model;

namespace K8sComm.HelpBuilder;

/// <summary>Builds the MAML of a docs culture folder (docs/en-US, docs/ko-KR) as New-ExternalHelp would.</summary>
public static class ExternalHelpBuilder
{
    /// <summary>UTF-8 with a byte order mark, as PlatyPS writes its MAML files.</summary>
    public static readonly Encoding FileEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>The command help files of a folder: <c>*-*.md</c> except about topics, in ordinal name order.</summary>
    public static IReadOnlyList<string> CommandFiles(string directory) =>
        Directory.GetFiles(directory, "*-*.md")
            .Where(f => !Path.GetFileName(f).StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Parses every command file of the folder.</summary>
    public static IReadOnlyList<CommandHelp> Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"help folder not found: {directory}");
        }

        var files = CommandFiles(directory);
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no command help files (*-*.md) in {directory}");
        }

        return files
            .SelectMany(file => MarkdownHelpParser.Parse(File.ReadAllText(file), file))
            .ToList();
    }

    /// <summary>The MAML text (without byte order mark) for the folder's command help.</summary>
    public static string Build(string directory) => MamlRenderer.Render(Read(directory));

    /// <summary>The exact bytes of the MAML file for the folder.</summary>
    public static byte[] BuildBytes(string directory) => [.. FileEncoding.GetPreamble(), .. FileEncoding.GetBytes(Build(directory))];
}

using System.Text;
using K8sComm.HelpBuilder;
using K8sComm.HelpBuilder.Model;
using Xunit;

namespace K8sComm.Tests.Help;

/// <summary>
/// The help we ship: the MAML in en-US/ and ko-KR/ is exactly what docs/ builds, and both cultures
/// describe the same commands with the same metadata, so only the prose differs.
/// </summary>
public class HelpDocsTests
{
    public static TheoryData<string> Cultures => new(HelpPaths.Cultures);

    private static IReadOnlyList<CommandHelp> Read(string culture) => ExternalHelpBuilder.Read(HelpPaths.Docs(culture));

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Shipped_maml_is_what_the_markdown_builds(string culture)
    {
        var shipped = HelpPaths.ShippedMaml(culture);
        var regenerate = $"dotnet run --project src/K8sComm.HelpBuilder -- docs/{culture} {culture}/K8sComm.dll-Help.xml";
        Assert.True(File.Exists(shipped), $"{culture}/K8sComm.dll-Help.xml is missing; build it with: {regenerate}");

        var built = ExternalHelpBuilder.BuildBytes(HelpPaths.Docs(culture));

        Assert.True(built.AsSpan().SequenceEqual(File.ReadAllBytes(shipped)),
            $"{culture}/K8sComm.dll-Help.xml differs from docs/{culture}; regenerate it with: {regenerate}");
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Every_command_file_has_the_front_matter_of_the_module_and_its_culture(string culture)
    {
        var commands = Read(culture);

        Assert.NotEmpty(commands);
        Assert.All(commands, command =>
        {
            Assert.Equal("K8sComm.dll-Help.xml", command.Metadata.GetValueOrDefault("external help file"));
            Assert.Equal("K8sComm", command.Metadata.GetValueOrDefault("Module Name"));
            Assert.Equal(culture, command.Metadata.GetValueOrDefault("Locale"));
            Assert.Equal(command.Name + ".md", Path.GetFileName(command.SourceFile));
        });
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Every_command_has_a_synopsis_a_description_examples_and_described_parameters(string culture)
    {
        Assert.All(Read(culture), command =>
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Synopsis), $"{command.Name}: SYNOPSIS is empty");
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"{command.Name}: DESCRIPTION is empty");
            Assert.NotEmpty(command.Examples);
            Assert.All(command.Examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Code), $"{command.Name}: '{e.Title}' has no code"));
            Assert.All(command.Examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Remarks), $"{command.Name}: '{e.Title}' has no remarks"));
            Assert.True(command.SupportsCommonParameters, $"{command.Name}: CommonParameters entry missing");
            Assert.All(command.Parameters, p =>
            {
                Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{command.Name} -{p.Name}: no description");
                Assert.NotEmpty(p.YamlBlocks);
            });
            Assert.NotEmpty(command.Outputs);
        });
    }

    [Fact]
    public void Both_cultures_describe_the_same_commands_parameters_and_metadata()
    {
        var english = Read("en-US").ToDictionary(c => c.Name);
        var korean = Read("ko-KR").ToDictionary(c => c.Name);

        Assert.Equal(english.Keys.Order(), korean.Keys.Order());
        foreach (var (name, en) in english)
        {
            var ko = korean[name];
            Assert.Equal(en.Parameters.Select(p => p.Name), ko.Parameters.Select(p => p.Name));
            foreach (var (enParameter, koParameter) in en.Parameters.Zip(ko.Parameters))
            {
                Assert.Equal(enParameter.YamlBlocks, koParameter.YamlBlocks);
            }

            Assert.Equal(en.SyntaxBlocks, ko.SyntaxBlocks);
            Assert.Equal(en.Examples.Select(e => e.Code), ko.Examples.Select(e => e.Code));
            Assert.Equal(en.Inputs.Select(t => t.TypeName), ko.Inputs.Select(t => t.TypeName));
            Assert.Equal(en.Outputs.Select(t => t.TypeName), ko.Outputs.Select(t => t.TypeName));
            Assert.Equal(en.Links.Count, ko.Links.Count);
            Assert.Equal(en.SupportsCommonParameters, ko.SupportsCommonParameters);
        }
    }

    [Fact]
    public void Korean_help_is_written_in_Korean()
    {
        static bool HasHangul(string? text) => text is not null && text.Any(c => c is >= '\uAC00' and <= '\uD7A3');

        Assert.All(Read("ko-KR"), command =>
        {
            Assert.True(HasHangul(command.Synopsis), $"{command.Name}: SYNOPSIS is not Korean");
            Assert.True(HasHangul(command.Description), $"{command.Name}: DESCRIPTION is not Korean");
            Assert.True(HasHangul(command.Notes), $"{command.Name}: NOTES is not Korean");
            Assert.All(command.Parameters, p => Assert.True(HasHangul(p.Description), $"{command.Name} -{p.Name} is not Korean"));
            Assert.All(command.Examples, e => Assert.True(HasHangul(e.Remarks), $"{command.Name} '{e.Title}' is not Korean"));
        });
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void About_topic_has_the_about_layout_fits_80_columns_and_names_every_command(string culture)
    {
        var path = HelpPaths.AboutTopic(culture);
        Assert.True(File.Exists(path), $"{culture}/about_K8sComm.help.txt is missing");
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF');
        var lines = text.Split('\n');

        Assert.Equal("TOPIC", lines[0].TrimEnd('\r'));
        Assert.Equal("    about_K8sComm", lines[1].TrimEnd('\r'));
        var headings = lines.Where(l => l.Length > 0 && char.IsUpper(l[0]) && l.TrimEnd('\r') == l.TrimEnd('\r').ToUpperInvariant())
            .Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(["TOPIC", "SHORT DESCRIPTION", "LONG DESCRIPTION"], headings.Take(3));
        Assert.Equal("SEE ALSO", headings[^1]);

        // Get-Help shows the fifth line of an about topic as its synopsis: it must be the whole short description.
        Assert.Equal("SHORT DESCRIPTION", lines[3].TrimEnd('\r'));
        Assert.StartsWith("    ", lines[4]);
        Assert.Equal("", lines[5].TrimEnd('\r'));
        Assert.All(lines, line => Assert.True(DisplayWidth(line.TrimEnd('\r')) <= 80, $"wider than 80 columns: {line}"));
        Assert.All(Read(culture), command => Assert.Contains(command.Name, text));
    }

    // Hangul and other East Asian wide characters take two columns in a terminal.
    private static int DisplayWidth(string line) =>
        line.Sum(c => c is >= '\u1100' and <= '\u115F' or >= '\u2E80' and <= '\uA4CF' or >= '\uAC00' and <= '\uD7A3'
            or >= '\uF900' and <= '\uFAFF' or >= '\uFF00' and <= '\uFF60' ? 2 : 1);
}

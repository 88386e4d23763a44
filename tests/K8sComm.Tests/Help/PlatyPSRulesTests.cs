using Xunit;
using System.Xml.Linq;
using K8sComm.HelpBuilder;

namespace K8sComm.Tests.Help;

/// <summary>
/// The PlatyPS 0.14 rules beyond what the golden pair shows: how text, lists, code, links, syntax
/// items and schema errors come out. Each case is small markdown rendered in-process.
/// </summary>
public class PlatyPSRulesTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string FrontMatter = """
        ---
        external help file: Demo.dll-Help.xml
        Module Name: Demo
        online version:
        schema: 2.0.0
        ---

        """;

    private static string Render(string markdown) =>
        MamlRenderer.Render(MarkdownHelpParser.Parse(markdown, "Get-Thing.md"));

    private static XElement CommandOf(string markdown) =>
        XDocument.Parse(Render(markdown)).Root!.Element(Command + "command")!;

    private static string[] Paras(XElement? parent) =>
        parent!.Elements(Maml + "para").Select(p => p.Value).ToArray();

    private static string Parameter(string name, string description, string yaml) => $"""
        ### -{name}
        {description}

        ```yaml
        {yaml}
        ```

        """;

    private static string Yaml(string type, string sets = "(All)", string position = "Named", string extra = "") =>
        $"Type: {type}\nParameter Sets: {sets}\nAliases:{extra}\n\nRequired: False\nPosition: {position}\n" +
        "Default value: None\nAccept pipeline input: False\nAccept wildcard characters: False";

    [Fact]
    public void Lines_of_a_paragraph_join_with_a_space_and_blank_lines_start_a_new_para()
    {
        var command = CommandOf(FrontMatter + """
            # Get-Thing

            ## SYNOPSIS
            Gets
            a thing.

            ## DESCRIPTION
            First line
            of the first paragraph.

            Second paragraph.
            """);

        Assert.Equal(["Gets a thing."], Paras(command.Element(Command + "details")!.Element(Maml + "description")));
        Assert.Equal(["First line of the first paragraph.", "Second paragraph."], Paras(command.Element(Maml + "description")));
    }

    [Fact]
    public void List_items_keep_their_own_lines_and_text_after_a_list_starts_a_new_line()
    {
        var command = CommandOf(FrontMatter + """
            # Get-Thing

            ## DESCRIPTION
            It checks:
            - the first item
            - the second item
            Then it ends.
            """);

        Assert.Equal(["It checks: - the first item", "- the second item", "Then it ends."],
            Paras(command.Element(Maml + "description")));
    }

    [Fact]
    public void Markdown_escapes_are_undone_and_xml_special_characters_are_escaped()
    {
        var markdown = FrontMatter + """
            # Get-Thing

            ## DESCRIPTION
            Use \<name\> & \[options\] when a > b.
            """;

        var xml = Render(markdown);

        Assert.Contains("<maml:para>Use &lt;name&gt; &amp; [options] when a &gt; b.</maml:para>", xml);
    }

    [Fact]
    public void Example_code_loses_its_fences_several_blocks_join_with_a_blank_line_and_remarks_keep_paragraphs()
    {
        var command = CommandOf(FrontMatter + """
            # Get-Thing

            ## EXAMPLES

            ### Example 1: Two steps
            ```powershell
            $a = Get-Thing
            $a.Name
            ```

            ```
            PS> done
            ```

            Gets a thing and shows its name.

            Works without a cluster.

            ### A title long enough that PlatyPS leaves it alone without padding it with dashes
            ```powershell
            Get-Thing
            ```
            """);

        var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.Equal("--------------------- Example 1: Two steps ---------------------", examples[0].Element(Maml + "title")!.Value);
        Assert.Equal("$a = Get-Thing\n$a.Name\n\nPS> done", examples[0].Element(Dev + "code")!.Value);
        Assert.Equal(["Gets a thing and shows its name.", "Works without a cluster."], Paras(examples[0].Element(Dev + "remarks")));
        Assert.Equal("A title long enough that PlatyPS leaves it alone without padding it with dashes",
            examples[1].Element(Maml + "title")!.Value);
    }

    [Fact]
    public void Links_and_emphasis_in_text_are_set_apart_by_spaces_and_a_link_keeps_its_target()
    {
        var command = CommandOf(FrontMatter + """
            # Get-Thing

            ## DESCRIPTION
            Read **this** first, then [the guide](https://example.org/guide).
            """);

        Assert.Equal(["Read this first, then the guide (https://example.org/guide)."], Paras(command.Element(Maml + "description")));
    }

    [Fact]
    public void A_parameter_description_may_hold_a_code_block_before_its_yaml()
    {
        var command = CommandOf(FrontMatter + "# Get-Thing\n\n## PARAMETERS\n\n### -Filter\nA filter such as:\n\n```\nname -eq 'a'\n```\n\n```yaml\n"
            + Yaml("String") + "\n```\n");

        var filter = command.Element(Command + "parameters")!.Element(Command + "parameter")!;
        Assert.Equal(["A filter such as:", "", "name -eq 'a'"], Paras(filter.Element(Maml + "description")));
        Assert.Equal("String", filter.Element(Dev + "type")!.Element(Maml + "name")!.Value);
    }

    [Fact]
    public void Syntax_items_follow_the_first_appearance_of_each_set_and_put_positional_parameters_first()
    {
        var command = CommandOf(FrontMatter + "# Get-Thing\n\n## PARAMETERS\n\n"
            + Parameter("All", "Every thing.", Yaml("SwitchParameter", "All"))
            + Parameter("Config", "Files.", Yaml("String[]", "Name, All"))
            + Parameter("Name", "Names.", Yaml("String[]", "Name", position: "0"))
            + Parameter("TimeoutSec", "Seconds.", Yaml("Int32")));

        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem")
            .Select(i => i.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToArray())
            .ToList();

        Assert.Equal(2, items.Count);
        Assert.Equal(["All", "Config", "TimeoutSec"], items[0]);
        Assert.Equal(["Name", "Config", "TimeoutSec"], items[1]);
        Assert.Equal(["All", "Config", "Name", "TimeoutSec"],
            command.Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
    }

    [Fact]
    public void A_command_whose_parameters_all_use_All_gets_one_syntax_item()
    {
        var command = CommandOf(FrontMatter + "# Get-Thing\n\n## PARAMETERS\n\n"
            + Parameter("Force", "Forces.", Yaml("SwitchParameter"))
            + Parameter("Path", "Where.", Yaml("String", position: "0")));

        var item = Assert.Single(command.Element(Command + "syntax")!.Elements(Command + "syntaxItem"));
        Assert.Equal(["Path", "Force"], item.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
    }

    [Fact]
    public void Switches_default_to_False_and_accepted_values_appear_only_in_syntax()
    {
        var command = CommandOf(FrontMatter + "# Get-Thing\n\n## PARAMETERS\n\n"
            + Parameter("Force", "Forces.", Yaml("SwitchParameter"))
            + Parameter("Mode", "How.", Yaml("String", extra: "\nAccepted values: Fast, Slow")));

        var syntaxParameters = command.Element(Command + "syntax")!.Descendants(Command + "parameter").ToList();
        var force = syntaxParameters.Single(p => p.Element(Maml + "name")!.Value == "Force");
        Assert.Null(force.Element(Command + "parameterValue"));
        Assert.Equal("False", force.Element(Dev + "defaultValue")!.Value);
        Assert.Equal(["Fast", "Slow"], syntaxParameters.Single(p => p.Element(Maml + "name")!.Value == "Mode")
            .Element(Command + "parameterValueGroup")!.Elements().Select(e => e.Value));

        var mode = command.Element(Command + "parameters")!.Elements().Single(p => p.Element(Maml + "name")!.Value == "Mode");
        Assert.Null(mode.Element(Command + "parameterValueGroup"));
        Assert.Equal("None", mode.Element(Dev + "defaultValue")!.Value);
    }

    [Fact]
    public void Related_links_keep_absolute_uris_empty_relative_ones_and_put_the_online_version_first()
    {
        var markdown = FrontMatter.Replace("online version:", "online version: https://example.org/get-thing") + """
            # Get-Thing

            ## RELATED LINKS

            [about_Thing](about_Thing.md)

            [Kubernetes](https://kubernetes.io/docs/)
            """;

        var links = CommandOf(markdown).Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value))
            .ToList();

        Assert.Equal(
            [("Online Version:", "https://example.org/get-thing"), ("about_Thing", ""), ("Kubernetes", "https://kubernetes.io/docs/")],
            links);
    }

    [Fact]
    public void Inputs_and_outputs_keep_their_descriptions_and_missing_sections_render_empty()
    {
        var command = CommandOf(FrontMatter + """
            # Get-Thing

            ## INPUTS

            ### System.String
            A name, from the pipeline.

            ## OUTPUTS

            ### Demo.Thing

            """);

        var input = command.Element(Command + "inputTypes")!.Element(Command + "inputType")!;
        Assert.Equal("System.String", input.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal(["A name, from the pipeline."], Paras(input.Element(Maml + "description")));
        Assert.Equal([""], Paras(command.Element(Command + "returnValues")!.Element(Command + "returnValue")!.Element(Maml + "description")));
        Assert.Empty(command.Element(Maml + "alertSet")!.Element(Maml + "alert")!.Elements());
        Assert.Empty(command.Element(Maml + "description")!.Elements());
    }

    [Fact]
    public void Unknown_section_names_the_file_line_and_heading()
    {
        var markdown = FrontMatter + "# Get-Thing\n\n## SYNOPSIS\nGets.\n\n## EXTRAS\nMore.\n";

        var error = Assert.Throws<HelpSchemaException>(() => MarkdownHelpParser.Parse(markdown, "docs/Get-Thing.md"));

        Assert.Equal("docs/Get-Thing.md", error.File);
        Assert.Equal(12, error.Line); // the line of '## EXTRAS'
        Assert.Contains("EXTRAS", error.Message);
    }

    [Fact]
    public void Text_in_related_links_that_is_not_a_link_is_an_error_under_that_heading()
    {
        var markdown = FrontMatter + "# Get-Thing\n\n## RELATED LINKS\n\nsee the docs\n";

        var error = Assert.Throws<HelpSchemaException>(() => MarkdownHelpParser.Parse(markdown, "Get-Thing.md"));

        Assert.Equal("RELATED LINKS", error.Heading);
        Assert.Contains("see the docs", error.Message);
    }

    [Fact]
    public void Unknown_yaml_key_and_text_after_a_yaml_block_are_errors()
    {
        var badKey = FrontMatter + "# Get-Thing\n\n## PARAMETERS\n\n" + Parameter("Name", "Names.", "Type: String\nColour: Blue");
        var textAfterYaml = FrontMatter + "# Get-Thing\n\n## PARAMETERS\n\n" + Parameter("Name", "Names.", Yaml("String")) + "Stray text.\n";

        Assert.Contains("Colour", Assert.Throws<HelpSchemaException>(() => MarkdownHelpParser.Parse(badKey, "a.md")).Message);
        var stray = Assert.Throws<HelpSchemaException>(() => MarkdownHelpParser.Parse(textAfterYaml, "a.md"));
        Assert.Equal("-Name", stray.Heading);
    }

    [Fact]
    public void Schema_versions_other_than_2_0_0_are_refused()
    {
        var markdown = FrontMatter.Replace("schema: 2.0.0", "schema: 1.0.0") + "# Get-Thing\n";

        Assert.Contains("1.0.0", Assert.Throws<HelpSchemaException>(() => MarkdownHelpParser.Parse(markdown, "a.md")).Message);
    }
}

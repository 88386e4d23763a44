using K8sComm.HelpBuilder;
using Xunit;

namespace K8sComm.Tests.Help;

/// <summary>The command line writes the MAML, and --check fails with the command that fixes a stale file.</summary>
public sealed class HelpBuilderCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("k8scomm-help-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = HelpBuilderCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Writes_the_maml_and_check_then_passes()
    {
        var docs = HelpPaths.Fixture("docs", "en-US");
        var output = Path.Combine(_work, "en-US", "Demo.dll-Help.xml");

        Assert.Equal(0, Run(docs, output).Code);
        Assert.Equal(File.ReadAllBytes(HelpPaths.Fixture("en-US", "Contoso.Demo.dll-Help.xml")), File.ReadAllBytes(output));
        Assert.Equal(0, Run("--check", docs, output).Code);
    }

    [Fact]
    public void Check_fails_on_a_stale_file_and_prints_the_command_to_regenerate_it()
    {
        var docs = HelpPaths.Fixture("docs", "en-US");
        var output = Path.Combine(_work, "stale.xml");
        File.WriteAllText(output, "<helpItems />");

        var (code, _, err) = Run("--check", docs, output);

        Assert.Equal(1, code);
        Assert.Contains($"dotnet run --project src/K8sComm.HelpBuilder -- {docs} {output}", err);
        Assert.Equal("<helpItems />", File.ReadAllText(output));
    }

    [Fact]
    public void Broken_markdown_fails_with_the_file_and_line()
    {
        var docs = Directory.CreateDirectory(Path.Combine(_work, "docs")).FullName;
        var file = Path.Combine(docs, "Get-Thing.md");
        File.WriteAllText(file, "# Get-Thing\n\n## SYNOPSIS\nGets.\n\n## EXTRAS\nMore.\n");

        var (code, _, err) = Run(docs, Path.Combine(_work, "out.xml"));

        Assert.Equal(1, code);
        Assert.Contains($"{file}:6", err);
        Assert.False(File.Exists(Path.Combine(_work, "out.xml")));
    }

    [Fact]
    public void Wrong_arguments_print_usage()
    {
        var (code, _, err) = Run("docs/en-US");

        Assert.Equal(2, code);
        Assert.Contains("usage:", err);
    }
}

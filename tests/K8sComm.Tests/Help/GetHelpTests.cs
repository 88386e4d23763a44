using System.Management.Automation;
using System.Text.RegularExpressions;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests.Help;

/// <summary>Get-Help in the real engine, as a user at a prompt in either language sees it.</summary>
public sealed class GetHelpTests
{
    private const string HelpFacts = """
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($command in Get-Command -Module K8sComm) {
            $help = Get-Help $command.Name -Full
            $documented = @($help.parameters.parameter | Where-Object { (($_.description | ForEach-Object Text) -join '').Trim() } | ForEach-Object name)
            foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
                if ($parameter -notin $documented) { "undocumented|$($command.Name)|$parameter" }
            }
            if (-not $help.Synopsis -or $help.Synopsis -match '^\s*Get-|^\s*$') { "nosynopsis|$($command.Name)" }
            if (-not (($help.description | ForEach-Object Text) -join '').Trim()) { "nodescription|$($command.Name)" }
            if (@($help.examples.example).Count -eq 0) { "noexamples|$($command.Name)" }
            "synopsis|$($command.Name)|$($help.Synopsis.Trim())"
        }
        """;

    [Theory]
    [InlineData("en-US")]
    [InlineData("ko-KR")]
    public void Every_exported_cmdlet_and_parameter_has_help(string culture)
    {
        using var session = ModuleSession.Start(culture);
        var result = session.Invoke(HelpFacts);

        Assert.Empty(result.Errors);
        var lines = result.Output.Select(o => o.ToString()).ToArray();
        Assert.DoesNotContain(lines, line => !line.StartsWith("synopsis|"));
        Assert.NotEmpty(lines);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ko-KR")]
    public void Get_Help_shows_the_synopsis_written_for_that_culture(string culture)
    {
        using var session = ModuleSession.Start(culture);
        var synopses = session.Invoke(HelpFacts).Output.Select(o => o.ToString()!)
            .Where(line => line.StartsWith("synopsis|")).Select(line => line.Split('|')).ToArray();

        Assert.NotEmpty(synopses);
        foreach (var (command, shown) in synopses.Select(s => (s[1], s[2])))
        {
            string markdown = File.ReadAllText(Path.Combine(Repo.Root, "docs", culture, command + ".md"));
            string written = Regex.Match(markdown, @"## SYNOPSIS\s*\n(.+?)\n\s*\n", RegexOptions.Singleline).Groups[1].Value.Trim();
            Assert.Equal(Regex.Replace(written, @"\s+", " "), shown);
            Assert.Equal(culture == "ko-KR", Regex.IsMatch(shown, @"\p{IsHangulSyllables}"));
        }
    }

    [Fact]
    public void Get_Help_Full_under_ko_KR_shows_Korean_throughout()
    {
        using var session = ModuleSession.Start("ko-KR");
        var result = session.Invoke("Get-Help Get-ApiServerEndpoint -Full | Out-Default");

        Assert.Empty(result.Errors);
        string shown = result.HostText;
        Assert.Contains("Get-ApiServerEndpoint", shown);
        // The description, the parameters and the examples' remarks are all Korean text.
        int hangulLines = shown.Split('\n').Count(line => Regex.IsMatch(line, @"\p{IsHangulSyllables}"));
        Assert.True(hangulLines >= 20, $"only {hangulLines} lines of Korean in:\n{shown}");
    }

    [Theory]
    [InlineData("en-US", "about_K8sComm")]
    [InlineData("ko-KR", "about_K8sComm")]
    public void The_about_topic_is_there_in_both_languages(string culture, string topic)
    {
        using var session = ModuleSession.Start(culture);
        var result = session.Invoke($"Get-Help {topic} | ForEach-Object {{ \"$_\" }}");
        Assert.Empty(result.Errors);
        string text = string.Join("\n", result.Output.Select(o => o.ToString()));
        Assert.Contains("kubelet", text);
        Assert.Contains("Konnectivity", text);
        Assert.Equal(culture == "ko-KR", Regex.IsMatch(text, @"\p{IsHangulSyllables}"));
    }
}

using System.Management.Automation.Language;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>build.ps1 and the Pester tests run on a real pwsh before release; here the engine's own
/// parser at least proves every script in the repository parses.</summary>
public sealed class ScriptParseTests
{
    public static TheoryData<string> Scripts() => new(ScriptPaths());

    private static IEnumerable<string> ScriptPaths() =>
        Directory.EnumerateFiles(Repo.Root, "*.ps*1", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".ps1") || f.EndsWith(".psd1") || f.EndsWith(".psm1"))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "out" or ".git"))
            .Select(f => Path.GetRelativePath(Repo.Root, f))
            .Order();

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_parses_without_errors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(Repo.Root, relativePath), out _, out ParseError[] errors);
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void The_repository_has_the_scripts_a_release_runs()
    {
        var scripts = ScriptPaths().ToArray();
        Assert.Contains("build.ps1", scripts);
        Assert.Contains(scripts, s => s.StartsWith("tests" + Path.DirectorySeparatorChar) && s.EndsWith(".Tests.ps1"));
    }
}

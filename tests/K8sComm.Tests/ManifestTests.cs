using System.Management.Automation;
using System.Reflection;
using K8sComm.Shell;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void Test_ModuleManifest_accepts_the_shipped_manifest()
    {
        using var session = new EngineSession();
        var result = session.Invoke("Test-ModuleManifest -Path $Path", ModuleSession.Vars(("Path", Repo.ModuleManifest)));

        Assert.Empty(result.Errors);
        var module = Assert.IsType<PSModuleInfo>(Assert.Single(result.Output).BaseObject);
        Assert.Equal("K8sComm", module.Name);
        Assert.Equal(new Guid("5b0c2a7e-3f4d-4c1b-9a8e-6d2f71c4e9a3"), module.Guid);
        Assert.Equal(new Version(7, 4), module.PowerShellVersion);
        Assert.Equal(["Core"], module.CompatiblePSEditions);
    }

    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_the_assembly_defines()
    {
        using var session = ModuleSession.Start();
        var defined = session.Invoke("""
            [K8sComm.ApiServerEndpoint].Assembly.GetExportedTypes() |
                ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { '{0}-{1}' -f $_.VerbName, $_.NounName }
            """).Output.Select(o => o.ToString()).Order().ToArray();
        var exported = session.Invoke("(Get-Module K8sComm).ExportedCmdlets.Keys").Output.Select(o => o.ToString()).Order();
        var listed = ManifestList(File.ReadAllText(Repo.SourceManifest), "CmdletsToExport").ToArray();

        Assert.NotEmpty(defined);
        Assert.DoesNotContain(listed, name => name.Contains('*'));
        Assert.Equal(defined, exported);
        Assert.Equal(defined, listed.Order());
    }

    [Fact]
    public void The_version_lives_in_the_manifest_and_stamps_the_assembly()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $m = Get-Module K8sComm
            $m.Version.ToString(3)
            ([K8sComm.ApiServerEndpoint].Assembly.GetName().Version).ToString(3)
            """);
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(result.Output[0].ToString(), result.Output[1].ToString());
        Assert.EndsWith(result.Output[0].ToString() + Path.DirectorySeparatorChar, Repo.ModuleDirectory.TrimEnd('/') + Path.DirectorySeparatorChar);
    }

    [Fact]
    public void PSData_carries_what_the_Gallery_shows()
    {
        using var session = new EngineSession();
        var result = session.Invoke("(Test-ModuleManifest -Path $Path).PrivateData.PSData", ModuleSession.Vars(("Path", Repo.ModuleManifest)));
        var psData = Assert.IsType<System.Collections.Hashtable>(Assert.Single(result.Output).BaseObject);
        foreach (var key in new[] { "Tags", "ProjectUri", "LicenseUri", "ReleaseNotes" })
        {
            Assert.True(psData.ContainsKey(key), $"PSData lacks {key}");
            Assert.False(string.IsNullOrWhiteSpace(psData[key]?.ToString()), $"PSData.{key} is empty");
        }
    }

    [Fact]
    public void The_module_folder_holds_what_a_publish_uploads()
    {
        string[] expected =
        [
            "K8sComm.psd1", "K8sComm.dll", "K8sComm.format.ps1xml", "LICENSE",
            "en-US/K8sComm.dll-Help.xml", "en-US/about_K8sComm.help.txt",
            "ko-KR/K8sComm.dll-Help.xml", "ko-KR/about_K8sComm.help.txt", "ko-KR/K8sComm.resources.dll",
            "Dependencies/K8sComm.Core.dll", "Dependencies/KubernetesClient.dll", "Dependencies/YamlDotNet.dll",
            "Dependencies/Fractions.dll", "Dependencies/BouncyCastle.Cryptography.dll",
        ];
        foreach (var file in expected)
        {
            Assert.True(File.Exists(Path.Combine(Repo.ModuleDirectory, file)), $"module folder lacks {file}");
        }
        // Only our own assembly beside the manifest: anything else there would load into the default context.
        Assert.Equal(["K8sComm.dll"], Directory.GetFiles(Repo.ModuleDirectory, "*.dll").Select(Path.GetFileName));
    }

    private static IEnumerable<string> ManifestList(string manifest, string key)
    {
        var match = System.Text.RegularExpressions.Regex.Match(manifest, key + @"\s*=\s*@\(([^)]*)\)");
        Assert.True(match.Success, $"manifest has no {key} list");
        return System.Text.RegularExpressions.Regex.Matches(match.Groups[1].Value, "'([^']*)'").Select(m => m.Groups[1].Value);
    }
}

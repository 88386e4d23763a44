using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>
/// Another module may already have loaded its own YamlDotNet or BouncyCastle into the default load
/// context, or may load one after us. Each order runs in a process of its own so the default context
/// starts clean; the script prints every copy of the shared libraries and the context that holds it.
/// </summary>
public sealed class IsolationTests
{
    private static readonly string OtherYamlDotNet = Path.Combine(AppContext.BaseDirectory, "YamlDotNet.dll");
    private static readonly string OtherBouncyCastle = Path.Combine(AppContext.BaseDirectory, "BouncyCastle.Cryptography.dll");

    private const string Report = """
        [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -in 'YamlDotNet', 'BouncyCastle.Cryptography', 'KubernetesClient', 'K8sComm.Core' } |
            ForEach-Object { 'loaded|{0}|{1}|{2}' -f $_.GetName().Name, $_.GetName().Version.Major, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
        """;

    [Fact]
    public async Task Other_versions_loaded_first_then_K8sComm_works_from_its_own_context()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var outcome = await ShellProcess.RunAsync($"""
            $null = [System.Reflection.Assembly]::LoadFrom({Quote(OtherYamlDotNet)})
            $null = [System.Reflection.Assembly]::LoadFrom({Quote(OtherBouncyCastle)})
            Import-Module $ModuleManifest -ErrorAction Stop
            $endpoint = Get-ApiServerEndpoint -Kubeconfig {Quote(cluster.Files.CertificateKubeconfig)} -Probe -ErrorAction Stop
            'server|' + $endpoint.Server + '|' + $endpoint.Probe.ChainTrusted
            {Report}
            """, TimeSpan.FromMinutes(2));

        Assert.True(outcome.ExitCode == 0, outcome.StandardError + outcome.StandardOutput);
        var lines = outcome.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        // Server is the kubeconfig's string as written (the sandbox writes no trailing slash).
        Assert.Contains($"server|{cluster.ApiServerUri.ToString().TrimEnd('/')}|True", lines);
        Assert.Contains("loaded|YamlDotNet|13|Default", lines);
        Assert.Contains("loaded|YamlDotNet|18|K8sComm", lines);
        Assert.Contains("loaded|BouncyCastle.Cryptography|2|Default", lines);
        Assert.Contains("loaded|BouncyCastle.Cryptography|2|K8sComm", lines);
        Assert.Contains("loaded|KubernetesClient|21|K8sComm", lines);
        Assert.Contains("loaded|K8sComm.Core|0|K8sComm", lines);
    }

    [Fact]
    public async Task K8sComm_first_then_other_versions_still_load_and_both_keep_working()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var outcome = await ShellProcess.RunAsync($"""
            Import-Module $ModuleManifest -ErrorAction Stop
            $null = Get-ApiServerEndpoint -Kubeconfig {Quote(cluster.Files.CertificateKubeconfig)} -Probe -ErrorAction Stop
            $yaml = [System.Reflection.Assembly]::LoadFrom({Quote(OtherYamlDotNet)})
            $null = [System.Reflection.Assembly]::LoadFrom({Quote(OtherBouncyCastle)})
            # The other module's YamlDotNet really works: it parses a document.
            $parser = [Activator]::CreateInstance($yaml.GetType('YamlDotNet.Serialization.Deserializer'))
            'other-yaml|' + $parser.Deserialize('answer: 42', [hashtable])['answer']
            $endpoint = Get-ApiServerEndpoint -Kubeconfig {Quote(cluster.Files.CertificateKubeconfig)} -ErrorAction Stop
            'server|' + $endpoint.Server
            {Report}
            """, TimeSpan.FromMinutes(2));

        Assert.True(outcome.ExitCode == 0, outcome.StandardError + outcome.StandardOutput);
        var lines = outcome.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("other-yaml|42", lines);
        Assert.Contains($"server|{cluster.ApiServerUri.ToString().TrimEnd('/')}", lines);
        Assert.Contains("loaded|YamlDotNet|13|Default", lines);
        Assert.Contains("loaded|YamlDotNet|18|K8sComm", lines);
    }

    [Fact]
    public void Output_types_resolve_by_name_in_scripts()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("[K8sComm.ApiServerEndpoint].FullName; [K8sComm.FindingSeverity]::High -gt [K8sComm.FindingSeverity]::Low");
        Assert.Empty(result.Errors);
        Assert.Equal(["K8sComm.ApiServerEndpoint", "True"], result.Output.Select(o => o.ToString()));
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}

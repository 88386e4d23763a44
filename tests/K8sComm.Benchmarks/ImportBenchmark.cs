using System.Diagnostics;
using System.Reflection;
using K8sComm.Sandbox;

namespace K8sComm.Benchmarks;

/// <summary>
/// Import-Module plus the first Get-ApiServerEndpoint in a fresh engine, as a runbook pays it: each
/// sample is a new process (K8sComm.Shell), timed inside the engine from just before Import-Module to
/// just after the first call returns. Target: ≤ 300 ms.
/// </summary>
internal static class ImportBenchmark
{
    internal static async Task<string> RunAsync(int samples = 10)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        string script = Path.Combine(Path.GetTempPath(), $"k8scomm-import-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(script, $$"""
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            Import-Module $ModuleManifest
            $null = Get-ApiServerEndpoint -Kubeconfig '{{cluster.Files.CertificateKubeconfig}}'
            $clock.Stop()
            'elapsed-ms|' + $clock.Elapsed.TotalMilliseconds
            """);
        try
        {
            var elapsed = new List<double>();
            for (int i = 0; i < samples; i++)
            {
                elapsed.Add(await RunOnceAsync(script));
            }
            elapsed.Sort();
            return $"| Import-Module + first Get-ApiServerEndpoint (fresh process, {samples} samples) | " +
                   $"median {elapsed[samples / 2]:F0} ms, min {elapsed[0]:F0} ms, max {elapsed[^1]:F0} ms | ≤ 300 ms |";
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<double> RunOnceAsync(string script)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ShellAssembly());
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("elapsed-ms|"));
        return line is not null && process.ExitCode == 0
            ? double.Parse(line["elapsed-ms|".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("The shell failed: " + errors + output);
    }

    private static string ShellAssembly()
    {
        string root = typeof(ImportBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepoRoot").Value!;
        string benchmarks = Path.Combine(root, "tests", "K8sComm.Benchmarks");
        string binPath = Path.GetRelativePath(benchmarks, AppContext.BaseDirectory);
        return Path.Combine(root, "tests", "K8sComm.Shell", binPath, "K8sComm.Shell.dll");
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>The <c>up</c> verb as a person uses it: a separate process that prints how to connect and cleans up when told to stop.</summary>
public sealed class UpCommandTests
{
    /// <summary>What a service manager does to stop a process: SIGTERM (through kill(1), to keep this test free of unsafe code).</summary>
    private static async Task Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static ProcessStartInfo Sandbox(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SandboxCluster).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    [SkippableFact]
    public async Task UpPrintsKubeconfigAndEnvironmentThenCleansUpOnTermination()
    {
        Skip.If(OperatingSystem.IsWindows(), "sends SIGTERM, which Windows does not have");
        using var process = Process.Start(Sandbox("up", "--posture", "Insecure", "--nodes", "2"))!;
        var lines = new List<string>();
        try
        {
            while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                lines.Add(line);
                if (line.Contains("Ctrl+C", StringComparison.Ordinal)) break;
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = string.Join('\n', lines);
        Assert.Contains("(Insecure, 2 node(s))", text);
        var kubeconfig = Regex.Match(text, @"export KUBECONFIG=(\S+)").Groups[1].Value;
        var port = int.Parse(Regex.Match(text, @"export KUBERNETES_SERVICE_PORT=(\d+)").Groups[1].Value);
        Assert.Contains("export KUBERNETES_SERVICE_HOST=127.0.0.1", text);
        // The same environment in pwsh's form, for the quick start in pwsh.
        Assert.Contains($"$env:KUBECONFIG = '{kubeconfig}'", text);
        Assert.Contains($"$env:KUBERNETES_SERVICE_PORT = '{port}'", text);
        Assert.Contains("$env:KUBERNETES_SERVICE_HOST = '127.0.0.1'", text);
        Assert.True(File.Exists(kubeconfig), kubeconfig);
        // KUBECONFIG is the file with several contexts, so the quick start's -All lists more than one.
        var content = await File.ReadAllTextAsync(kubeconfig);
        Assert.Contains($"server: \"https://127.0.0.1:{port}\"", content);
        foreach (var context in new[] { "sandbox-admin", "sandbox-token", "sandbox-sa", "sandbox-insecure" })
        {
            Assert.Contains($"name: \"{context}\"", content);
        }

        await Terminate(process);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
        Assert.False(File.Exists(kubeconfig), "up left its kubeconfig behind");
        Assert.False(Directory.Exists(Path.GetDirectoryName(kubeconfig)), "up left its work directory behind");
    }

    [Fact]
    public async Task UnknownOptionsAreRefusedWithUsage()
    {
        using var process = Process.Start(Sandbox("up", "--nodes", "many"))!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--nodes", error);

        using var bare = Process.Start(Sandbox())!;
        var usage = await bare.StandardError.ReadToEndAsync();
        await bare.WaitForExitAsync();
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("up [--posture Secure|Insecure] [--nodes N] [--ipv6]", usage);
    }
}

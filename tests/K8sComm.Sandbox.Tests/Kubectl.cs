using System.Diagnostics;

namespace K8sComm.Sandbox.Tests;

public sealed record KubectlResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>
/// Runs the real kubectl against a sandbox, always with an explicit --kubeconfig and a private --cache-dir
/// inside the cluster's work directory, so parallel tests never share discovery caches.
/// </summary>
public static class Kubectl
{
    public static readonly string? Path = FindOnPath(OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl");
    public const string MissingReason = "kubectl is not on PATH; the kubectl judge tests need it";

    public static string CacheDirectory(SandboxCluster cluster, string name) =>
        System.IO.Path.Combine(cluster.WorkDirectory, "kubectl-cache", name);

    public static ProcessStartInfo StartInfo(SandboxCluster cluster, string? kubeconfig, string cacheName, params string[] args)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (kubeconfig is not null)
        {
            start.ArgumentList.Add("--kubeconfig");
            start.ArgumentList.Add(kubeconfig);
        }

        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(CacheDirectory(cluster, cacheName));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the machine's own kubectl setup may leak in.
        start.Environment.Remove("KUBECONFIG");
        start.Environment["HOME"] = cluster.WorkDirectory;
        return start;
    }

    public static Task<KubectlResult> RunAsync(SandboxCluster cluster, string kubeconfig, params string[] args) =>
        RunAsync(StartInfo(cluster, kubeconfig, System.IO.Path.GetFileNameWithoutExtension(kubeconfig), args));

    public static async Task<KubectlResult> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A safety net against a hung client, not a speed assertion.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', start.ArgumentList)} did not finish");
        }

        return new KubectlResult(process.ExitCode, await output, await error);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);
}

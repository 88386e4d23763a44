using System.Diagnostics;

namespace K8sComm.Sandbox;

public sealed record KubectlResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>
/// The real kubectl, the judge of the sandbox's wire format and of our own answers. Every run gets a
/// HOME of its own and no KUBECONFIG from the machine, so nothing of the machine's kubectl setup leaks
/// in; against a cluster, also an explicit --kubeconfig and a private --cache-dir, so parallel tests
/// never share discovery caches.
/// </summary>
public static class Kubectl
{
    public static readonly string? Path = FindOnPath(OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl");
    public static bool IsMissing => Path is null;
    public const string MissingReason = "kubectl is not on PATH; the tests that use it as the reference client need it";

    /// <summary>kubectl with <paramref name="home"/> as HOME and no KUBECONFIG; add arguments and variables to it.</summary>
    public static ProcessStartInfo Start(string home, params string[] args)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("KUBECONFIG");
        start.Environment["HOME"] = home;
        return start;
    }

    public static string CacheDirectory(SandboxCluster cluster, string name) =>
        System.IO.Path.Combine(cluster.WorkDirectory, "kubectl-cache", name);

    /// <summary>kubectl against a sandbox cluster, with a kubeconfig (or none) and a private cache.</summary>
    public static ProcessStartInfo StartInfo(SandboxCluster cluster, string? kubeconfig, string cacheName, params string[] args)
    {
        var start = Start(cluster.WorkDirectory);
        if (kubeconfig is not null)
        {
            start.ArgumentList.Add("--kubeconfig");
            start.ArgumentList.Add(kubeconfig);
        }

        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(CacheDirectory(cluster, cacheName));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    public static Task<KubectlResult> RunAsync(SandboxCluster cluster, string kubeconfig, params string[] args) =>
        RunAsync(StartInfo(cluster, kubeconfig, System.IO.Path.GetFileNameWithoutExtension(kubeconfig), args));

    public static async Task<KubectlResult> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        process.StandardInput.Close(); // never wait on a prompt
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

using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using K8sComm.Sandbox;

namespace K8sComm.Benchmarks;

/// <summary>
/// What a runbook or a new terminal pays for K8sComm in the real pwsh: a fresh <c>pwsh -NoProfile</c> that
/// imports the module and makes a first Get-ApiServerEndpoint call, against a bare <c>pwsh -NoProfile -c $null</c>,
/// and in the same rounds the PSResourceGet module that ships with pwsh doing the same (import, one call).
/// Each sample is a whole process, timed from start to exit; the three run one after another in each round,
/// in turns, so load on the machine falls on all of them alike. Added time is a sample minus the bare pwsh of
/// its own round. Target: K8sComm ≤ 120 ms median added, and below PSResourceGet's.
/// The process CPU time (user + system, from getrusage on Linux) is shown beside the wall clock: on a
/// shared, loaded machine it moves much less.
/// <c>pwsh-import [rounds] [manifest...]</c>: several manifests (e.g. a build without ReadyToRun) are timed side by side.
/// </summary>
internal static class PwshImportBenchmark
{
    private const string Bare = "bare pwsh";
    private const string PSResourceGet = "PSResourceGet";

    internal static async Task<int> RunAsync(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0]) : 21;
        string root = RepoRoot();
        var manifests = args.Length > 1 ? args[1..].Select(Path.GetFullPath).ToArray() : [BuiltManifest(root)];
        string pwsh = await LocatePwshAsync(root);

        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 0 });
        var scripts = new Dictionary<string, string> { [Bare] = "$null" };
        foreach (var manifest in manifests)
        {
            string name = manifests.Length == 1 ? "K8sComm" : $"K8sComm ({Path.GetRelativePath(root, manifest)})";
            scripts[name] = $"Import-Module '{manifest}'; $null = Get-ApiServerEndpoint -Kubeconfig '{cluster.Files.CertificateKubeconfig}'";
        }
        scripts[PSResourceGet] = "Import-Module Microsoft.PowerShell.PSResourceGet; $null = Get-PSResourceRepository";
        var kinds = scripts.Keys.ToArray();

        // One untimed run each: the file cache, and PSResourceGet's settings file on its first use.
        foreach (var kind in kinds) await RunOnceAsync(pwsh, scripts[kind]);

        var wall = kinds.ToDictionary(k => k, _ => new List<double>());
        var cpu = kinds.ToDictionary(k => k, _ => new List<double>());
        string loadBefore = LoadAverage();
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < kinds.Length; i++)
            {
                var kind = kinds[(round + i) % kinds.Length];
                var (elapsed, processorTime) = await RunOnceAsync(pwsh, scripts[kind]);
                wall[kind].Add(elapsed);
                cpu[kind].Add(processorTime);
            }
        }

        Console.WriteLine($"pwsh: dotnet {pwsh}; {rounds} rounds; load average {loadBefore} before, {LoadAverage()} after");
        Console.WriteLine();
        Console.WriteLine("| process | wall median (min–max) | added over bare pwsh, median | CPU median | added CPU, median |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var kind in kinds)
        {
            var sorted = wall[kind].Order().ToList();
            Console.WriteLine($"| {kind} | {Median(sorted):F0} ms ({sorted[0]:F0}–{sorted[^1]:F0}) | {Added(wall, kind)} | " +
                              $"{Median(cpu[kind].Order().ToList()):F0} ms | {Added(cpu, kind)} |");
        }
        return 0;
    }

    /// <summary>The median over rounds of a sample minus the bare pwsh of the same round.</summary>
    private static string Added(Dictionary<string, List<double>> samples, string kind) => kind == Bare
        ? ""
        : $"{Median(samples[kind].Zip(samples[Bare], (a, b) => a - b).Order().ToList()):F0} ms";

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static async Task<(double Wall, double Cpu)> RunOnceAsync(string pwsh, string command)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { pwsh, "-NoProfile", "-Command", command }) start.ArgumentList.Add(arg);
        double cpuBefore = ChildrenCpuMilliseconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        clock.Stop();
        if (process.ExitCode != 0 || (await errors).Length > 0)
        {
            throw new InvalidOperationException($"pwsh -c \"{command}\" failed ({process.ExitCode}): {await errors}{await output}");
        }
        return (clock.Elapsed.TotalMilliseconds, ChildrenCpuMilliseconds() - cpuBefore);
    }

    /// <summary>User + system CPU of every child process waited for so far (getrusage RUSAGE_CHILDREN); NaN off Linux.</summary>
    private static double ChildrenCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || getrusage(-1, out var usage) != 0) return double.NaN;
        return (usage.UserSeconds + usage.SystemSeconds) * 1000.0 + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1000.0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)]
        public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    /// <summary>The repository's local PowerShell tool (dotnet tool restore), as its pwsh.dll.</summary>
    private static async Task<string> LocatePwshAsync(string root)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "pwsh", "-NoProfile", "-Command", "Join-Path $PSHOME pwsh.dll" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string path = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException("No local pwsh: run 'dotnet tool restore' in the repository. " + await process.StandardError.ReadToEndAsync());
    }

    private static string BuiltManifest(string root)
    {
        string version = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(root, "K8sComm.psd1")),
            @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
        string manifest = Path.Combine(root, "out", "K8sComm", version, "K8sComm.psd1");
        return File.Exists(manifest) ? manifest : throw new InvalidOperationException($"{manifest} is not built: dotnet build -c Release src/K8sComm");
    }

    private static string RepoRoot() => typeof(PwshImportBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

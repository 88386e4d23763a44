using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Kubelets;

namespace K8sComm.Benchmarks;

/// <summary>
/// `kubelet-check`: Test-KubeletCertificate -All in the real pwsh against a sandbox of N nodes (default
/// 5,000) that runs in another process, as a user would run it: wall time, handshakes per second, the
/// pwsh process's CPU seconds per node and its peak memory (target: ≤ 10 s and ≤ 300 MB). In the same
/// run, a shell loop of `openssl s_client` + `openssl verify` over 200 of the same kubelets, for the
/// per-node ratio.
/// </summary>
internal static partial class KubeletCheckBenchmark
{
    [GeneratedRegex(@"client certificate\s*:\s*(?<path>\S+)")]
    private static partial Regex KubeconfigLine();

    [GeneratedRegex(@"CA bundle\s*:\s*(?<path>\S+)")]
    private static partial Regex CaLine();

    public static async Task<int> RunAsync(string[] args)
    {
        var nodes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var opensslNodes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        FileDescriptors.EnsureAtLeast(nodes + 1_024); // inherited by the sandbox process: a listener per kubelet

        Console.WriteLine($"load average before: {LoadAverage()}");
        using var sandbox = await SandboxProcess.StartAsync(nodes);
        Console.WriteLine($"sandbox: {nodes:N0} nodes in process {sandbox.Id}, started in {sandbox.StartedIn.TotalSeconds:F1} s");

        // The sandbox issues each kubelet's certificate on its first handshake, a cost no real kubelet has:
        // one untimed pass first.
        var warm = await PwshRunAsync(sandbox.Kubeconfig);
        Console.WriteLine($"warm-up pass (the sandbox issues its certificates): {warm.WallSeconds:F1} s, {warm.Statuses}");

        Console.WriteLine("| run | nodes | wall (s) | handshakes/s | pwsh CPU (s) | CPU ms per node | sandbox CPU (s) | pwsh peak working set (MiB) | managed heap kept (MiB) | statuses | load average |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        var perNode = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var sandboxCpu = sandbox.CpuTime;
            var result = await PwshRunAsync(sandbox.Kubeconfig);
            sandboxCpu = sandbox.CpuTime - sandboxCpu; // includes the node list and pwsh's start, a small share
            if (result.Checked != nodes)
                throw new InvalidOperationException($"Test-KubeletCertificate wrote {result.Checked} results for {nodes} nodes: {result.Statuses}");
            perNode.Add(result.WallSeconds / nodes);
            Console.WriteLine($"| {run} | {nodes:N0} | {result.WallSeconds:F2} | {nodes / result.WallSeconds:N0} | {result.CpuSeconds:F2} | " +
                $"{result.CpuSeconds * 1000 / nodes:F2} | {sandboxCpu.TotalSeconds:F2} | {result.PeakWorkingSetMiB:F0} | {result.ManagedHeapMiB:F0} | {result.Statuses} | {LoadAverage()} |");
        }

        if (opensslNodes == 0)
            return 0;
        if (Which("openssl") is null || Which("bash") is null)
        {
            Console.WriteLine("openssl or bash is not on PATH: no openssl comparison.");
            return 0;
        }
        var targets = await SampleTargetsAsync(sandbox.Kubeconfig, opensslNodes);
        var openssl = await OpensslLoopAsync(targets, sandbox.CaBundle);
        var sorted = perNode.Order().ToList();
        var oursPerNode = (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine();
        Console.WriteLine("| tool | kubelets | wall (s) | per kubelet (ms) | verified |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| openssl s_client + openssl verify, shell loop | {targets.Count} | {openssl.Wall.TotalSeconds:F2} | {openssl.Wall.TotalMilliseconds / targets.Count:F1} | {openssl.Verified} |");
        Console.WriteLine($"| Test-KubeletCertificate -All (median run) | {nodes:N0} | {oursPerNode * nodes:F2} | {oursPerNode * 1000:F2} | |");
        Console.WriteLine($"per-kubelet ratio openssl / Test-KubeletCertificate: {openssl.Wall.TotalSeconds / targets.Count / oursPerNode:F0}x");
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private sealed record PwshResult(int Checked, double WallSeconds, double CpuSeconds, double PeakWorkingSetMiB, string Statuses, double ManagedHeapMiB);

    // Timed inside pwsh, after Import-Module: the cmdlet's own wall time and the process's CPU over it.
    private static async Task<PwshResult> PwshRunAsync(string kubeconfig)
    {
        var script = Path.Combine(Path.GetTempPath(), $"k8scomm-kubelet-check-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(script, $$"""
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            Import-Module '{{ModuleManifest()}}'
            $me = [System.Diagnostics.Process]::GetCurrentProcess()
            $cpu = $me.TotalProcessorTime
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $results = Test-KubeletCertificate -Kubeconfig '{{kubeconfig}}' -All
            $clock.Stop()
            $me.Refresh()
            $statuses = ($results | Group-Object Status | Sort-Object Name | ForEach-Object { '{0} {1}' -f $_.Name, $_.Count }) -join ', '
            'result|{0}|{1}|{2}|{3}|{4}|{5}' -f $results.Count, $clock.Elapsed.TotalSeconds, ($me.TotalProcessorTime - $cpu).TotalSeconds, ($me.PeakWorkingSet64 / 1MB), $statuses, ([GC]::GetTotalMemory($true) / 1MB)
            """);
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot() };
            foreach (var arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", script })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("result|", StringComparison.Ordinal));
            if (line is null || process.ExitCode != 0)
                throw new InvalidOperationException("pwsh failed: " + errors + output);
            var parts = line.Split('|');
            double Number(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
            return new PwshResult((int)Number(1), Number(2), Number(3), Number(4), parts[5], Number(6));
        }
        finally
        {
            File.Delete(script);
        }
    }

    // Kubelets spread over the fleet, addressed as the cmdlet addresses them (read from the API server).
    private static async Task<List<KubeletTarget>> SampleTargetsAsync(string kubeconfig, int count)
    {
        var endpoint = EndpointDiscovery.Open(new DiscoveryRequest { Kubeconfig = [kubeconfig] }).ResolveAll(CancellationToken.None)[0].Endpoint!;
        using var client = new ApiServerClient(endpoint);
        var all = new List<KubeletTarget>();
        await foreach (var node in NodeDirectory.ListAsync(client))
            all.Add(KubeletTarget.ForNode(node)!);
        var step = Math.Max(1, all.Count / count);
        return all.Where((_, i) => i % step == 0).Take(count).ToList();
    }

    private static async Task<(TimeSpan Wall, int Verified)> OpensslLoopAsync(IReadOnlyList<KubeletTarget> targets, string caBundle)
    {
        var directory = Directory.CreateTempSubdirectory("k8scomm-openssl-loop-").FullName;
        try
        {
            var script = Path.Combine(directory, "loop.sh");
            // What a careful operator runs per node: fetch the serving certificate, then verify it against
            // the CA and the dialled address.
            await File.WriteAllTextAsync(script, $$"""
                verified=0
                while read -r host port; do
                  openssl s_client -connect "$host:$port" </dev/null 2>/dev/null | openssl x509 -out "{{directory}}/leaf.pem" 2>/dev/null
                  if openssl verify -CAfile '{{caBundle}}' -verify_ip "$host" "{{directory}}/leaf.pem" >/dev/null 2>&1; then verified=$((verified+1)); fi
                done < "{{directory}}/targets.txt"
                echo "verified|$verified"
                """);
            await File.WriteAllLinesAsync(Path.Combine(directory, "targets.txt"), targets.Select(t => $"{t.Host} {t.Port}"));
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            clock.Stop();
            var line = output.Split('\n').First(l => l.StartsWith("verified|", StringComparison.Ordinal));
            return (clock.Elapsed, int.Parse(line["verified|".Length..].Trim(), CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static string RepoRoot() => typeof(KubeletCheckBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    private static string ModuleManifest()
    {
        var versions = Directory.GetDirectories(Path.Combine(RepoRoot(), "out", "K8sComm"));
        return versions.Length == 1
            ? Path.Combine(versions[0], "K8sComm.psd1")
            : throw new InvalidOperationException("Build the module first (dotnet build src/K8sComm -c Release): out/K8sComm/<version>/ must hold one version.");
    }

    /// <summary>`K8sComm.Sandbox up --nodes N` in a process of its own; stopped (SIGINT, so it cleans up) on dispose.</summary>
    private sealed class SandboxProcess : IDisposable
    {
        private readonly Process _process;

        private SandboxProcess(Process process, string kubeconfig, string caBundle, TimeSpan startedIn)
        {
            _process = process;
            Kubeconfig = kubeconfig;
            CaBundle = caBundle;
            StartedIn = startedIn;
        }

        public int Id => _process.Id;
        public string Kubeconfig { get; }
        public string CaBundle { get; }
        public TimeSpan StartedIn { get; }

        public TimeSpan CpuTime
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        public static async Task<SandboxProcess> StartAsync(int nodes)
        {
            var sandbox = Path.Combine(AppContext.BaseDirectory, "K8sComm.Sandbox.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { sandbox, "up", "--nodes", nodes.ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(arg);
            var clock = Stopwatch.StartNew();
            var process = Process.Start(start)!;
            string? kubeconfig = null, ca = null;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (KubeconfigLine().Match(line) is { Success: true } k) kubeconfig = k.Groups["path"].Value;
                if (CaLine().Match(line) is { Success: true } c) ca = c.Groups["path"].Value;
                if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                    break;
            }
            if (kubeconfig is null || ca is null)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("The sandbox did not start: " + await process.StandardError.ReadToEndAsync());
            }
            _ = process.StandardOutput.ReadToEndAsync(); // keep draining
            return new SandboxProcess(process, kubeconfig, ca, clock.Elapsed);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                // SIGINT lets it remove its files; kill only if it does not stop.
                Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
                if (!_process.WaitForExit(60_000))
                    _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }
}

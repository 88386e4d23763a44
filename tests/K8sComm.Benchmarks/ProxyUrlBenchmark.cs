using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using K8sComm.Core.ApiProxy;

namespace K8sComm.Benchmarks;

/// <summary>
/// Proxy URLs (issue 9). The core builder: URLs per second over a mix of services, pods and nodes with
/// ports, sub-paths and queries, on one thread after a warm-up (target ≥ 1,000,000/s). The pipeline: 150,000
/// pod items from ConvertFrom-Json piped into New-ProxyUrl in the real pwsh (`dotnet pwsh`), timed inside pwsh
/// around the pipeline only (target ≤ 3 s).
/// </summary>
internal static class ProxyUrlBenchmark
{
    internal static int Run(string[] args)
    {
        var pods = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 150_000;
        Console.WriteLine(BuilderFigures());
        if (pods > 0)
            Console.WriteLine(PipelineFigures(pods));
        return 0;
    }

    private static string BuilderFigures(int perRun = 2_000_000, int runs = 7)
    {
        var builder = new ProxyUrlBuilder(new Uri("https://api.example.com:6443/clusters/prod"));
        var requests = new[]
        {
            ProxyRequest.ForService("kube-system", "kube-dns", port: "dns"),
            ProxyRequest.ForService("monitoring", "grafana", ProxyScheme.Https) with { Path = "/api/health", Query = "pretty=true" },
            ProxyRequest.ForPod("default", "web-7d9f8b6c5-x2k4q", port: "8080") with { Path = "/metrics" },
            ProxyRequest.ForNode("ip-10-0-12-34.eu-west-1.compute.internal") with { Path = "/stats/summary" },
        };
        long length = 0;
        for (var i = 0; i < 200_000; i++) length += builder.Build(requests[i & 3]).Length; // warm-up (JIT, tiering)

        var rates = new List<double>();
        var cpuRates = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (var run = 0; run < runs; run++)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < perRun; i++) length += builder.Build(requests[i & 3]).Length;
            clock.Stop();
            self.Refresh();
            rates.Add(perRun / clock.Elapsed.TotalSeconds);
            // On a shared machine the wall clock also counts time other processes had the cores; CPU time
            // (this process, all threads, GC included) is what the builder itself costs.
            cpuRates.Add(perRun / (self.TotalProcessorTime - cpu).TotalSeconds);
        }
        rates.Sort();
        cpuRates.Sort();
        GC.KeepAlive(length);
        return $"| core builder, {runs} runs of {perRun:N0} URLs (one thread) | wall: median {rates[runs / 2]:N0} URLs/s " +
               $"(min {rates[0]:N0}, max {rates[^1]:N0}); per CPU second: median {cpuRates[runs / 2]:N0} | ≥ 1,000,000 URLs/s |";
    }

    private static string PipelineFigures(int pods)
    {
        var root = typeof(ProxyUrlBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "RepoRoot").Value!;
        var manifest = Directory.GetFiles(Path.Combine(root, "out", "K8sComm"), "K8sComm.psd1", SearchOption.AllDirectories).Single();
        var json = Path.Combine(Path.GetTempPath(), $"k8scomm-pods-{Guid.NewGuid():N}.json");
        var script = Path.ChangeExtension(json, ".ps1");
        File.WriteAllText(json, PodListJson(pods));
        File.WriteAllText(script, $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{manifest}}'
            $items = (Get-Content -Raw '{{json}}' | ConvertFrom-Json).items
            $null = $items[0..999] | New-ProxyUrl -BaseUri https://api.example.com:6443   # warm-up
            $self = [System.Diagnostics.Process]::GetCurrentProcess()
            foreach ($variant in 'objects', 'strings', 'objects', 'strings') {
                [GC]::Collect()
                $self.Refresh(); $cpu = $self.TotalProcessorTime
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                if ($variant -eq 'strings') { $urls = $items | New-ProxyUrl -BaseUri https://api.example.com:6443 -Path /metrics -AsString }
                else { $urls = $items | New-ProxyUrl -BaseUri https://api.example.com:6443 -Path /metrics }
                $clock.Stop()
                $self.Refresh()
                if ($urls.Count -ne $items.Count) { throw "expected $($items.Count) URLs, got $($urls.Count)" }
                "result|$variant|$($items.Count)|$($clock.Elapsed.TotalMilliseconds)|$(($self.TotalProcessorTime - $cpu).TotalMilliseconds)"
            }
            """);
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", script }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var results = output.Split('\n').Where(l => l.StartsWith("result|", StringComparison.Ordinal))
                .Select(l => l.Trim().Split('|')).ToList();
            if (process.ExitCode != 0 || results.Count == 0)
                throw new InvalidOperationException("pwsh failed: " + errors + output);
            var text = new StringBuilder();
            foreach (var r in results)
            {
                var ms = double.Parse(r[3], CultureInfo.InvariantCulture);
                var cpuMs = double.Parse(r[4], CultureInfo.InvariantCulture);
                text.AppendLine($"| {int.Parse(r[2], CultureInfo.InvariantCulture):N0} ConvertFrom-Json pods | New-ProxyUrl ({r[1]}) " +
                                $"| wall {ms / 1000:F2} s, CPU {cpuMs / 1000:F2} s | ≤ 3 s |");
            }
            return text.ToString().TrimEnd();
        }
        finally
        {
            File.Delete(json);
            File.Delete(script);
        }
    }

    private static string PodListJson(int count)
    {
        var json = new StringBuilder(count * 220);
        json.Append("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) json.Append(',');
            json.Append("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-").Append(i)
                .Append("\",\"namespace\":\"team-").Append(i % 50).Append("\",\"labels\":{\"app\":\"web\"}},")
                .Append("\"spec\":{\"nodeName\":\"node-").Append(i % 500).Append("\",\"containers\":[{\"name\":\"web\",\"image\":\"web:1\",")
                .Append("\"ports\":[{\"containerPort\":8080,\"name\":\"http\"}]}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.")
                .Append(i / 250 % 256).Append('.').Append(i % 250).Append("\"}}");
        }
        return json.Append("]}").ToString();
    }
}

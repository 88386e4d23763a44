using System.Diagnostics;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Sandbox;

namespace K8sComm.Benchmarks;

/// <summary>
/// Get-ApiServerEndpoint -Probe's core, warm: a whole probe (TLS capture handshake, two client
/// connections, version, api, livez, readyz, anonymous, identity, latency) against a Secure sandbox,
/// with the endpoint resolved from the sandbox's own kubeconfigs. Target: median ≤ 20 ms.
/// </summary>
public static class ProbeBenchmark
{
    public static async Task RunAsync(int runs = 200)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var resolver = new EndpointResolver();
        foreach (var (label, kubeconfig) in new[] { ("client certificate", cluster.Files.CertificateKubeconfig), ("bearer token", cluster.Files.TokenKubeconfig) })
        {
            var endpoint = resolver.Resolve(KubeconfigLoader.Load([kubeconfig]));
            for (var i = 0; i < 10; i++)
                await ProbeOnceAsync(endpoint); // warm-up: JIT, connection code paths

            var times = new List<double>(runs);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < runs; i++)
                times.Add(await ProbeOnceAsync(endpoint));
            // Client and in-process sandbox together: what a probe costs the machine, whatever else runs on it.
            var cpuPerProbe = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / runs;

            times.Sort();
            Console.WriteLine($"warm probe ({label}): median {times[runs / 2]:F2} ms, p95 {times[(int)(runs * 0.95)]:F2} ms, " +
                              $"min {times[0]:F2} ms, max {times[^1]:F2} ms, CPU {cpuPerProbe:F2} ms per probe " +
                              $"({runs} probes, target median ≤ 20 ms)");
            foreach (var step in StepTimes.GroupBy(t => t.Name))
                Console.WriteLine($"  step {step.Key,-10} median {step.Select(t => t.Ms).Order().ElementAt(step.Count() / 2):F2} ms");
            StepTimes.Clear();
        }
    }

    private static async Task<double> ProbeOnceAsync(ResolvedEndpoint endpoint)
    {
        var clock = Stopwatch.StartNew();
        var result = await ApiServerProber.ProbeAsync(endpoint, TimeSpan.FromSeconds(5), CancellationToken.None);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var failed = result.Steps.Where(s => s.Status != ProbeStepStatus.Succeeded).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException("The probe did not succeed: " + string.Join("; ", failed.Select(s => $"{s.Name} {s.Status} {s.Error}")));
        StepTimes.AddRange(result.Steps.Select(st => (st.Name, st.Elapsed.TotalMilliseconds)));
        return elapsed;
    }

    private static readonly List<(string Name, double Ms)> StepTimes = [];
}

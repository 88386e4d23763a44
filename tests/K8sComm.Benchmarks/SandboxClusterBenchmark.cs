using System.Diagnostics;
using K8sComm.Sandbox;

namespace K8sComm.Benchmarks;

/// <summary>
/// How long a sandbox cluster takes to start and stop (tests start many), and what a warm authenticated
/// request to its API server costs. Stopwatch harness: medians over repeated runs after one warm-up.
/// </summary>
public static class SandboxClusterBenchmark
{
    public static async Task RunAsync(int runs = 20)
    {
        foreach (var (posture, nodes) in new[] { (SandboxPosture.Secure, 2), (SandboxPosture.Insecure, 2), (SandboxPosture.Secure, 20) })
        {
            await (await SandboxCluster.StartAsync(new SandboxOptions { Posture = posture, NodeCount = nodes })).DisposeAsync(); // warm-up
            var starts = new List<double>();
            var stops = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = posture, NodeCount = nodes });
                starts.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                await cluster.DisposeAsync();
                stops.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"sandbox start {posture,-8} {nodes,3} nodes: median {Median(starts):F1} ms, max {starts.Max():F1} ms; " +
                              $"dispose median {Median(stops):F1} ms ({runs} runs)");
        }

        await using var warm = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var client = new HttpClient(handler) { BaseAddress = warm.ApiServerUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", warm.AdminToken);
        foreach (var path in new[] { "/version", "/api/v1/pods", "/api/v1/namespaces/default/services/echo:http/proxy/" })
        {
            await client.GetStringAsync(path);
            var times = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var clock = Stopwatch.StartNew();
                await client.GetStringAsync(path);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"warm GET {path}: median {Median(times):F2} ms, p95 {Percentile(times, 0.95):F2} ms (200 requests, one connection)");
        }
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }
}

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Sandbox;

namespace K8sComm.Benchmarks;

/// <summary>
/// Invoke-InPodApiCall's core, warm: 1,000 sequential GETs of the pod's own pods list with the sandbox's
/// service-account directory (token file, ca.crt), through the pooled client the cmdlet uses. Target:
/// ≤ 2 s for the 1,000 with one TLS handshake, counted by the sandbox's API server. The same requests from a
/// bare HttpClient (same token, same CA check, one pooled connection) give the per-call overhead as a ratio.
/// Rounds alternate between the two so load on the shared machine hits both alike.
/// </summary>
public static class InPodBenchmark
{
    private const int Calls = 1000;
    private const string Path = "/api/v1/namespaces/default/pods";

    public static async Task RunAsync(int rounds = 5)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var environment = cluster.InClusterEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);
        var directory = cluster.Files.ServiceAccountDirectory;

        using var pool = new ApiServerClientPool();
        var handshakesBefore = cluster.ApiServerHandshakes;
        var client = pool.ClientFor(PodServiceAccount.ResolveEndpoint(environment, directory));
        var call = new ApiCall(HttpMethod.Get, Path);
        using var bare = BareClient(cluster, File.ReadAllText(System.IO.Path.Combine(directory, "token")).Trim());

        for (var i = 0; i < 200; i++)
        {
            await client.InvokeAsync(call, CancellationToken.None);
            await BareGetAsync(bare);
        }

        var ours = new List<double>();
        var clientOnly = new List<double>();
        var theirs = new List<double>();
        var cpuOurs = TimeSpan.Zero;
        for (var round = 0; round < rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                // As the cmdlet does per call: resolve the pod's endpoint, take the pooled client, call.
                var pooled = pool.ClientFor(PodServiceAccount.ResolveEndpoint(environment, directory));
                var response = await pooled.InvokeAsync(call, CancellationToken.None);
                using var json = response.ParseJson();
            }
            ours.Add(clock.Elapsed.TotalMilliseconds);
            cpuOurs += Process.GetCurrentProcess().TotalProcessorTime - cpu;

            clock.Restart();
            for (var i = 0; i < Calls; i++)
            {
                var response = await client.InvokeAsync(call, CancellationToken.None);
                using var json = response.ParseJson();
            }
            clientOnly.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            for (var i = 0; i < Calls; i++)
                await BareGetAsync(bare);
            theirs.Add(clock.Elapsed.TotalMilliseconds);
        }

        var handshakes = cluster.ApiServerHandshakes - handshakesBefore - 1; // less the bare client's one connection
        ours.Sort();
        clientOnly.Sort();
        theirs.Sort();
        var median = ours[rounds / 2];
        var bareMedian = theirs[rounds / 2];
        Console.WriteLine($"{Calls} sequential GET {Path} (in-pod client, resolve + pooled client + parse per call):");
        Console.WriteLine($"  median {median:F0} ms ({median / Calls * 1000:F0} µs per call), min {ours[0]:F0} ms, max {ours[^1]:F0} ms, " +
                          $"CPU {cpuOurs.TotalMilliseconds / rounds:F0} ms per 1,000 (client and in-process sandbox); target ≤ 2,000 ms");
        Console.WriteLine($"  of which the client alone (endpoint resolved once): median {clientOnly[rounds / 2]:F0} ms, min {clientOnly[0]:F0} ms");
        Console.WriteLine($"  TLS handshakes seen by the API server for {rounds * Calls * 2 + 200} calls: {handshakes} (target 1); " +
                          $"token file reads: {client.TokenFileReads}");
        Console.WriteLine($"bare HttpClient, same requests: median {bareMedian:F0} ms ({bareMedian / Calls * 1000:F0} µs per call), " +
                          $"min {theirs[0]:F0} ms, max {theirs[^1]:F0} ms");
        Console.WriteLine($"ratio (in-pod client / bare HttpClient): {median / bareMedian:F2}; " +
                          $"overhead {(median - bareMedian) / Calls * 1000:F0} µs per call");
    }

    private static HttpClient BareClient(SandboxCluster cluster, string token)
    {
        var ca = X509Certificate2.CreateFromPem(cluster.CaCertificatePem);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = cluster.ApiServerUri };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return client;
    }

    private static async Task BareGetAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Path);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var json = await System.Text.Json.JsonDocument.ParseAsync(stream);
    }
}

using System.Diagnostics;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Kubelets;

namespace K8sComm.Benchmarks;

/// <summary>
/// `kubelets`: how long a sandbox kubelet fleet takes to start and stop, and what it costs in memory,
/// for 100 / 1,000 / 5,000 kubelets in one process (target: 5,000 started in under 10 s).
/// `--insecure` uses the Insecure postures instead: weak certificates and a read-only port each, so
/// twice the listeners.
/// </summary>
internal static class KubeletFleetBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var insecure = args.Contains("--insecure");
        int[] sizes = args.Any(a => a != "--insecure") ? [.. args.Where(a => a != "--insecure").Select(int.Parse)] : [100, 1_000, 5_000];
        FileDescriptors.EnsureAtLeast(sizes.Max() * (insecure ? 2 : 1) + 1_024); // a listener per port, plus headroom
        using var ca = CreateClusterCa();

        // Warm up JIT, Kestrel and the shared keys, so the first size isn't charged for them.
        await using (var warm = await KubeletFleet.StartAsync(Options(ca, 10, insecure)))
            await ProbeAsync(warm.Kubelets, 10);

        Console.WriteLine($"postures: {(insecure ? "Insecure (cycling weak certificates, read-only port)" : "Secure")}");
        Console.WriteLine($"open-file soft limit: {FileDescriptors.SoftLimit()}, cores: {Environment.ProcessorCount}, runtime: {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine("| kubelets | start (ms) | first request to 50 kubelets (ms) | stop (ms) | managed heap after start (MiB) | working set after start (MiB) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
            var options = Options(ca, size, insecure);

            var start = Stopwatch.StartNew();
            var fleet = await KubeletFleet.StartAsync(options);
            start.Stop();

            var managed = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var workingSet = process.WorkingSet64;

            var probe = Stopwatch.StartNew();
            await ProbeAsync(fleet.Kubelets, 50);
            probe.Stop();

            var stop = Stopwatch.StartNew();
            await fleet.DisposeAsync();
            stop.Stop();

            Console.WriteLine($"| {size:N0} | {start.ElapsedMilliseconds:N0} | {probe.ElapsedMilliseconds:N0} | {stop.ElapsedMilliseconds:N0} | {managed / 1048576.0:F1} | {workingSet / 1048576.0:F0} |");
        }
        return 0;
    }

    static KubeletFleetOptions Options(X509Certificate2 ca, int size, bool insecure) => new()
    {
        ClusterCa = ca,
        Specs = [.. Enumerable.Range(0, size).Select(i => new KubeletSpec($"node-{i}", insecure ? KubeletPosture.Insecure(i) : KubeletPosture.Secure))],
    };

    // One HTTPS request each to kubelets spread over the fleet: handshake (and lazy certificate) included.
    static async Task ProbeAsync(IReadOnlyList<SandboxKubelet> kubelets, int count)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });
        var step = Math.Max(1, kubelets.Count / count);
        for (var i = 0; i < kubelets.Count && i / step < count; i += step)
        {
            using var response = await http.GetAsync(new Uri(kubelets[i].Uri, "/healthz"));
            var expected = kubelets[i].Posture.Anonymous == AnonymousMode.Allowed ? 200 : 401;
            if ((int)response.StatusCode != expected)
                throw new InvalidOperationException($"{kubelets[i]} answered {(int)response.StatusCode} to an anonymous call, expected {expected}.");
        }
    }

    static X509Certificate2 CreateClusterCa()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=benchmark-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}

/// <summary>Each listener is a file descriptor: raise the soft limit (up to the hard one) when it is too low.</summary>
internal static class FileDescriptors
{
    const int RLIMIT_NOFILE = 7;

    [StructLayout(LayoutKind.Sequential)]
    struct RLimit { public ulong Current; public ulong Max; }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    static extern int SetRLimit(int resource, in RLimit limit);

    public static ulong SoftLimit() => OperatingSystem.IsLinux() && GetRLimit(RLIMIT_NOFILE, out var l) == 0 ? l.Current : 0;

    public static void EnsureAtLeast(int wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RLIMIT_NOFILE, out var limit) != 0 || limit.Current >= (ulong)wanted)
            return;
        var raised = limit with { Current = Math.Min((ulong)wanted, limit.Max) };
        if (SetRLimit(RLIMIT_NOFILE, raised) != 0 || raised.Current < (ulong)wanted)
            Console.Error.WriteLine($"warning: open-file limit is {raised.Current}, {wanted} wanted; raise it with `ulimit -n {wanted}`.");
    }
}

using K8sComm.Benchmarks;

// Each benchmark is a verb: dotnet run -c Release --project tests/K8sComm.Benchmarks -- <verb> [args]
switch (args.FirstOrDefault())
{
    case "sandbox-cluster":
        await SandboxClusterBenchmark.RunAsync();
        return 0;
    case "probe":
        await ProbeBenchmark.RunAsync();
        return 0;
    case "kubelets":
        return await KubeletFleetBenchmark.RunAsync(args[1..]);
    case "kubeconfig":
        return KubeconfigBenchmark.Run(args[1..]);
    case "inpod":
        await InPodBenchmark.RunAsync();
        return 0;
    case "import":
        Console.WriteLine(await ImportBenchmark.RunAsync());
        return 0;
    default:
        Console.Error.WriteLine("""
            usage: K8sComm.Benchmarks <verb> [args]
              sandbox-cluster                      start, dispose and warm requests of a sandbox cluster
              probe                                warm Get-ApiServerEndpoint -Probe core against a sandbox
              kubelets [sizes...]                  kubelet fleet start and memory (default 100 1000 5000)
              kubeconfig [contexts] [iterations]   resolve all contexts of a large kubeconfig (default 500)
              import                               Import-Module plus first call in a fresh process
              inpod                                1,000 in-pod GETs: time, TLS handshakes, ratio to a bare HttpClient
            """);
        return 2;
}

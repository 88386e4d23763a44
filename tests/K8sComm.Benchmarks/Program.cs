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
    case "kubelet-check":
        return await KubeletCheckBenchmark.RunAsync(args[1..]);
    case "proxy-url":
        return ProxyUrlBenchmark.Run(args[1..]);
    case "inpod":
        await InPodBenchmark.RunAsync();
        return 0;
    case "import":
        Console.WriteLine(await ImportBenchmark.RunAsync());
        return 0;
    case "pwsh-import":
        return await PwshImportBenchmark.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("""
            usage: K8sComm.Benchmarks <verb> [args]
              sandbox-cluster                      start, dispose and warm requests of a sandbox cluster
              probe                                warm Get-ApiServerEndpoint -Probe core against a sandbox
              kubelets [sizes...]                  kubelet fleet start and memory (default 100 1000 5000)
              kubeconfig [contexts] [iterations]   resolve all contexts of a large kubeconfig (default 500)
              import                               Import-Module plus first call in a fresh process
              pwsh-import [rounds] [manifest]      the same in a fresh real pwsh, against bare pwsh and PSResourceGet
              kubelet-check [nodes] [openssl] [runs]  Test-KubeletCertificate -All in pwsh vs an openssl loop (5000 200 1)
              proxy-url [pods]                     core proxy URL builder; pods through New-ProxyUrl in pwsh (default 150000)
              inpod                                1,000 in-pod GETs: time, TLS handshakes, ratio to a bare HttpClient
            """);
        return 2;
}

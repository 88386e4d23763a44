using K8sComm.Benchmarks;

// Each benchmark is a verb: dotnet run -c Release --project tests/K8sComm.Benchmarks -- <verb> [args]
switch (args.FirstOrDefault())
{
    case "sandbox-cluster":
        await SandboxClusterBenchmark.RunAsync();
        break;
    case "kubelets":
        return await KubeletFleetBenchmark.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("benchmarks: sandbox-cluster | kubelets [sizes...] (default 100 1000 5000)");
        return 2;
}

return 0;

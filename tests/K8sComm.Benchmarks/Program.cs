using K8sComm.Benchmarks;

// Stopwatch harnesses, one verb each: dotnet run -c Release --project tests/K8sComm.Benchmarks -- <verb> [args]
return args.FirstOrDefault() switch
{
    "kubelets" => await KubeletFleetBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: K8sComm.Benchmarks kubelets [sizes...]   (default sizes: 100 1000 5000)");
    return 2;
}

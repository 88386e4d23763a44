// A tiny dispatcher: each benchmark is a verb. Usage: dotnet run -c Release --project tests/K8sComm.Benchmarks -- <verb> [args]
using K8sComm.Benchmarks;

return args.FirstOrDefault() switch
{
    "kubeconfig" => KubeconfigBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: K8sComm.Benchmarks <verb> [args]\n  kubeconfig [contexts=500] [iterations=50]   resolve all contexts of a large kubeconfig");
    return 1;
}

using K8sComm.Benchmarks;

// Each benchmark is a verb: dotnet run -c Release --project tests/K8sComm.Benchmarks -- <verb>
switch (args.FirstOrDefault())
{
    case "sandbox-cluster":
        await SandboxClusterBenchmark.RunAsync();
        break;
    case "probe":
        await ProbeBenchmark.RunAsync();
        break;
    default:
        Console.Error.WriteLine("benchmarks: sandbox-cluster, probe");
        return 2;
}

return 0;

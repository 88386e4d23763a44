using K8sComm.Benchmarks;

// Each benchmark is a verb: dotnet run -c Release --project tests/K8sComm.Benchmarks -- <verb>
switch (args.FirstOrDefault())
{
    case "sandbox-cluster":
        await SandboxClusterBenchmark.RunAsync();
        break;
    default:
        Console.Error.WriteLine("benchmarks: sandbox-cluster");
        return 2;
}

return 0;

using K8sComm.Sandbox.Cli;

// A small verb dispatcher: each verb lives in Cli/.
return args switch
{
    ["up", .. var rest] => await UpCommand.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run --project tests/K8sComm.Sandbox -- <verb> [options]

        verbs:
          up [--posture Secure|Insecure] [--nodes N] [--ipv6]   start a sandbox cluster and serve until Ctrl+C
        """);
    return 2;
}

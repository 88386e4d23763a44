using K8sComm.Sandbox;

namespace K8sComm.Shell;

/// <summary>
/// The README's quick start, run against a fresh sandbox cluster in an embedded engine: each command
/// is echoed after a prompt, followed by what pwsh would print. Later cmdlets add their lines here.
/// </summary>
internal static class QuickStart
{
    private static readonly string[] Commands =
    [
        "Get-ApiServerEndpoint",
        "Get-ApiServerEndpoint -All",
        "(Get-ApiServerEndpoint -Context sandbox-token -Probe).Probe",
        "(Get-ApiServerEndpoint -All).Findings",
        "'sandbox-admin', 'no-such-context' | Get-ApiServerEndpoint -Probe | ForEach-Object { '{0}: trusted={1} anonymous={2} identity={3}' -f $_.Context, $_.Probe.ChainTrusted, $_.Probe.AnonymousAccess, $_.Probe.Identity }",
    ];

    internal static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var posture = args is ["--posture", var name] ? Enum.Parse<SandboxPosture>(name, ignoreCase: true) : SandboxPosture.Secure;
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = posture, NodeCount = 2 });
        output.WriteLine($"# A {posture} sandbox cluster is serving at {cluster.ApiServerUri}");
        output.WriteLine();

        using var session = new EngineSession();
        var import = session.ImportModule();
        if (import.Errors.Count > 0)
        {
            output.WriteLine(import.Errors[0]);
            return 1;
        }

        string kubeconfig = cluster.Files.MultiContextKubeconfig;
        foreach (string command in Commands.Prepend($"$env:KUBECONFIG = '{kubeconfig}'"))
        {
            Show(output, session, command);
        }
        return 0;
    }

    private static void Show(TextWriter output, EngineSession session, string command)
    {
        output.WriteLine("PS> " + command);
        var result = session.Invoke(". { " + command + " } | Out-Default");
        output.Write(result.HostText);
        foreach (var error in result.Errors)
        {
            // As pwsh's concise error view shows it.
            output.WriteLine($"{error.InvocationInfo?.MyCommand?.Name}: {error}");
        }
        output.WriteLine();
    }
}

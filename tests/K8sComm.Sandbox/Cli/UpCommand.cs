using System.Runtime.InteropServices;

namespace K8sComm.Sandbox.Cli;

/// <summary><c>up</c>: start a cluster, print how to reach it, serve until Ctrl+C, then clean up.</summary>
public static class UpCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (!TryParse(args, out var options, out var problem))
        {
            Console.Error.WriteLine(problem);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        // Ctrl+C or a termination request: don't let the runtime exit yet; the cluster must clean up first.
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var cluster = await SandboxCluster.StartAsync(options, stop.Token);
        Console.WriteLine(Describe(cluster));
        Console.Out.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping: removing the sandbox's files and closing its ports");
        }

        return 0;
    }

    public static string Describe(SandboxCluster cluster)
    {
        var files = cluster.Files;
        // KUBECONFIG names the file with several contexts (admin, token, service account, insecure), so the
        // quick start has something to list and compare.
        var environment = cluster.InClusterEnvironment.OrderBy(e => e.Key).Prepend(new("KUBECONFIG", files.MultiContextKubeconfig)).ToList();
        var lines = new List<string>
        {
            $"K8sComm sandbox cluster ({cluster.Options.Posture}, {cluster.Options.NodeCount} node(s)) at {cluster.ApiServerUri}",
            "",
            "kubeconfigs:",
            $"  client certificate : {files.CertificateKubeconfig}",
            $"  bearer token       : {files.TokenKubeconfig}",
            $"  insecure (no CA)   : {files.InsecureKubeconfig}",
            $"  several contexts   : {files.MultiContextKubeconfig}",
            $"  split across files : {files.SplitKubeconfigVariable}",
            $"CA bundle            : {files.CaBundle}",
            $"service account dir  : {files.ServiceAccountDirectory}",
            "",
            "environment (sh):",
        };
        lines.AddRange(environment.Select(e => $"  export {e.Key}={ShellQuote(e.Value)}"));
        lines.Add("environment (pwsh):");
        lines.AddRange(environment.Select(e => $"  $env:{e.Key} = {PwshQuote(e.Value)}"));
        lines.Add("");
        lines.Add("Press Ctrl+C to stop.");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>A POSIX shell word: bare when every character is safe, else single-quoted.</summary>
    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-:+=,@".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''") + "'";

    /// <summary>A PowerShell verbatim string: single-quoted, with quotes doubled.</summary>
    private static string PwshQuote(string value) => "'" + value.Replace("'", "''") + "'";

    private static bool TryParse(IReadOnlyList<string> args, out SandboxOptions options, out string? problem)
    {
        options = new SandboxOptions();
        problem = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--posture" when Enum.TryParse<SandboxPosture>(value, ignoreCase: true, out var posture):
                    options = options with { Posture = posture };
                    i++;
                    break;
                case "--nodes" when int.TryParse(value, out var nodes) && nodes >= 0:
                    options = options with { NodeCount = nodes };
                    i++;
                    break;
                case "--ipv6":
                    options = options with { IPv6 = true };
                    break;
                default:
                    problem = $"up: unknown or incomplete option '{args[i]}' (expected --posture Secure|Insecure, --nodes N, --ipv6)";
                    return false;
            }
        }

        return true;
    }
}

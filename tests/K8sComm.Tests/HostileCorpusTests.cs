using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Faults;
using K8sComm.Tests.Infrastructure;
using Xunit.Abstractions;

namespace K8sComm.Tests;

/// <summary>
/// A generated corpus of hostile kubeconfigs and hostile servers, each case run in a fresh real pwsh under a
/// memory cap: every case must end within its time limit with our ErrorRecord (K8sComm.*) or an endpoint
/// object, and no marker secret may appear in any stream or view.
/// </summary>
public sealed class HostileCorpusTests(ITestOutputHelper output) : IAsyncLifetime
{
    // A hang guard, not a speed target: a case ends in a few seconds on an idle machine, ~20 s at a load of 30.
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(90);
    private const int Parallel = 3;

    private readonly string _dir = Directory.CreateTempSubdirectory("k8scomm-corpus-").FullName;
    private readonly string _token = "MARKER-TOKEN-" + Guid.NewGuid().ToString("N");
    private readonly string _password = "MARKER-PASSWORD-" + Guid.NewGuid().ToString("N");
    private readonly List<SandboxCluster> _clusters = [];
    private TcpListener? _plainHttp;

    /// <summary>One case: the command to run (a script fragment), its environment, and whether it probes.</summary>
    private sealed record Case(string Name, string Command, Dictionary<string, string>? Environment = null, bool Completion = false);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _plainHttp?.Stop();
        foreach (var cluster in _clusters) await cluster.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Fifo(string name)
    {
        var path = Path.Combine(_dir, name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        return path;
    }

    /// <summary>A kubeconfig around one cluster and one user body, the user always holding the marker token.</summary>
    private string Config(string name, string cluster, string? user = null, string contextName = "c") => Write(name, $"""
        current-context: "{contextName}"
        clusters:
        - name: k
          cluster:
            {cluster}
        users:
        - name: u
          user:
            token: {_token}
            {user ?? ""}
        contexts:
        - name: "{contextName}"
          context: {"{"}cluster: k, user: u{"}"}
        """);

    private static string Kubeconfig(string path) => $"Get-ApiServerEndpoint -Kubeconfig '{path}'";

    private IEnumerable<Case> KubeconfigCases()
    {
        var insecure = "server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true";
        yield return new("deep flow nesting", Kubeconfig(Write("deep-flow", "clusters: " + new string('[', 200_000) + new string(']', 200_000))));
        yield return new("deep block nesting", Kubeconfig(Write("deep-block",
            string.Concat(Enumerable.Range(0, 3000).Select(i => new string(' ', i) + "a:\n")))));
        var deep = Write("deep-completion", "contexts: " + new string('[', 200_000) + new string(']', 200_000));
        yield return new("tab completion over a deep KUBECONFIG",
            "$line = 'Get-ApiServerEndpoint -Context '; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.Count",
            new() { ["KUBECONFIG"] = deep }, Completion: true);
        yield return new("kubeconfig is a FIFO", Kubeconfig(Fifo("fifo-config")));
        yield return new("KUBECONFIG entry is a FIFO", "Get-ApiServerEndpoint", new() { ["KUBECONFIG"] = Fifo("fifo-env") });
        yield return new("kubeconfig is /dev/zero", Kubeconfig("/dev/zero"));
        yield return new("kubeconfig is /dev/urandom", Kubeconfig("/dev/urandom"));
        yield return new("kubeconfig is a directory", Kubeconfig(Directory.CreateDirectory(Path.Combine(_dir, "a-dir")).FullName));
        var huge = Path.Combine(_dir, "huge");
        using (var stream = File.Create(huge)) stream.SetLength(64L * 1024 * 1024);
        yield return new("kubeconfig of 64 MiB", Kubeconfig(huge));
        yield return new("certificate-authority is a FIFO", Kubeconfig(Config("ca-fifo", $"server: https://127.0.0.1:1\n    certificate-authority: {Fifo("ca-pipe")}")));
        yield return new("certificate-authority is /dev/urandom", Kubeconfig(Config("ca-urandom", "server: https://127.0.0.1:1\n    certificate-authority: /dev/urandom")));
        yield return new("client-key is /dev/zero", Kubeconfig(Config("key-zero", insecure, "client-certificate: /etc/hostname\n    client-key: /dev/zero")));
        yield return new("tokenFile is a FIFO, probed", Kubeconfig(Config("token-fifo", insecure, $"tokenFile: {Fifo("token-pipe")}")) + " -Probe -TimeoutSec 3");
        yield return new("control characters in every name", Kubeconfig(Write("control", $"""
            current-context: "a\e]0;title\a\e[2J"
            clusters: [{"{"}name: "k\e[31m", cluster: {"{"}server: "https://127.0.0.1:1", insecure-skip-tls-verify: true, tls-server-name: "n\e[5m"{"}}"}]
            users: [{"{"}name: "u\r\n", user: {"{"}token: {_token}, tokenFile: "/tmp/\e[2Jtoken"{"}}"}]
            contexts: [{"{"}name: "a\e]0;title\a\e[2J", context: {"{"}cluster: "k\e[31m", user: "u\r\n", namespace: "\u202egnp"{"}}"}]
            """)) + " -Verbose");
        yield return new("credentials in URLs and exec arguments", Kubeconfig(Config("urls",
            $"server: \"https://admin:{_password}@127.0.0.1:1/?token={_token}\"\n    proxy-url: \"http://p:{_password}@127.0.0.1:2\"\n    insecure-skip-tls-verify: true",
            $"exec: {{command: /bin/false, apiVersion: client.authentication.k8s.io/v1, args: [\"--token={_token}\", \"--password\", \"{_password}\"], env: [{{name: S, value: {_password}}}]}}"))
            + " -Verbose -Probe -TimeoutSec 3");
        yield return new("UTF-16 with a byte order mark", Kubeconfig(WriteBytes("utf16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("current-context: c\n")).ToArray())));
        yield return new("invalid UTF-8 bytes", Kubeconfig(WriteBytes("bad-utf8", [.. "current-context: "u8, 0xFF, 0xFE, 0xC0, 0x80, .. "\nclusters: [{name: \xc3\x28}]\n"u8])));
        yield return new("binary garbage", Kubeconfig(WriteBytes("garbage", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray())));
        yield return new("wrong types everywhere", Kubeconfig(Write("types", $"""
            current-context: [1, 2]
            clusters: {"{"}k: v{"}"}
            users: [{"{"}name: [u], user: {"{"}token: {_token}{"}}"}]
            contexts: 7
            """)));
        yield return new("server of the wrong type", Kubeconfig(Config("server-type", "server: [https://127.0.0.1:1]")));
        yield return new("alias inside its own anchor", Kubeconfig(Write("alias", "clusters: &a [*a]\n")));
        yield return new("many aliases (billion laughs)", Kubeconfig(Write("laughs",
            "a: &a [x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
                $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + i - 1), 9))}]\n")) + "current-context: c\n")));
        yield return new("null character in the path", "Get-ApiServerEndpoint -Kubeconfig \"/tmp/a`0b\"");
        yield return new("unknown PowerShell drive", "Get-ApiServerEndpoint -Kubeconfig 'NoSuchDrive:/config'");
    }

    private async Task<IEnumerable<Case>> ServerCasesAsync()
    {
        var cases = new List<Case>();
        foreach (var (name, fault) in new[]
        {
            ("stalled handshake", new FaultPlan(FaultMode.StalledHandshake)),
            ("reset connections", new FaultPlan(FaultMode.ConnectionReset)),
            ("one byte at a time", new FaultPlan(FaultMode.SlowTrickle, TimeSpan.FromSeconds(1))),
            ("a 64 MiB body", new FaultPlan(FaultMode.OversizedBody)),
            ("garbage bodies", new FaultPlan(FaultMode.GarbageBody)),
            ("server errors", new FaultPlan(FaultMode.ServerError)),
        })
        {
            var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 0, ApiServerFaults = fault });
            _clusters.Add(cluster);
            cases.Add(new($"probe: {name}", Kubeconfig(cluster.Files.TokenKubeconfig) + " -Probe -TimeoutSec 4"));
        }

        // A port that speaks plain HTTP: as an https URL (no TLS to be had), and as an http URL with a token.
        _plainHttp = new TcpListener(IPAddress.Loopback, 0);
        _plainHttp.Start();
        _ = ServePlainHttpAsync(_plainHttp);
        var port = ((IPEndPoint)_plainHttp.LocalEndpoint).Port;
        cases.Add(new("probe: plain http behind an https URL", Kubeconfig(Config("plain-https", $"server: https://127.0.0.1:{port}")) + " -Probe -TimeoutSec 4"));
        cases.Add(new("probe: plain http URL with a token", Kubeconfig(Config("plain-http", $"server: http://127.0.0.1:{port}")) + " -Probe -TimeoutSec 4"));
        return cases;
    }

    private static async Task ServePlainHttpAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var buffer = new byte[4096];
                        _ = await stream.ReadAsync(buffer); // the request, whatever its length: the answer is the same
                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\nConnection: close\r\n\r\n<html>hi</html>"u8.ToArray());
                    }
                    catch (Exception) { }
                }
            });
        }
    }

    private static string Script(Case corpusCase) => $$"""
        $results = @(& { {{corpusCase.Command}} } 2>&1 3>$null)
        foreach ($x in $results) {
            if ($x -is [System.Management.Automation.ErrorRecord]) { 'RESULT:ERROR:' + $x.FullyQualifiedErrorId }
            elseif ($x -is [K8sComm.ApiServerEndpoint]) { 'RESULT:OBJECT:' + $(if ($x.Probe) { 'probed' } else { 'plain' }) }
            else { 'RESULT:OTHER:' + $x.GetType().FullName }
        }
        $results | Out-String -Width 200
        $endpoints = $results | Where-Object { $_ -is [K8sComm.ApiServerEndpoint] }
        $endpoints | Format-List | Out-String -Width 200
        $endpoints | Where-Object Probe | ForEach-Object { $_.Probe | Format-List | Out-String -Width 200 }
        $results | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $_.Exception.Message; $_.ErrorDetails.Message }
        # Data, not a view: CSV keeps the raw values (checked for secrets, not for escapes).
        'CSV-START'
        $endpoints | ConvertTo-Csv | Out-String
        'CASE-DONE'
        """;

    private string? Judge(Case corpusCase, RealPwsh.Outcome outcome)
    {
        if (outcome.TimedOut) return $"did not end within {CaseTimeout.TotalSeconds} s";
        if (outcome.ExitCode != 0) return $"pwsh exited with {outcome.ExitCode}: {outcome.StandardError}";
        if (!outcome.StandardOutput.Contains("CASE-DONE")) return "the script did not finish: " + outcome.StandardError;
        foreach (var marker in new[] { _token, _password })
            if (outcome.AllText.Contains(marker, StringComparison.Ordinal)) return "a marker secret was shown";
        var shown = outcome.StandardOutput.Split("CSV-START")[0] + outcome.StandardError;
        if (shown.Contains('\u001b') || shown.Contains('\u0007'))
            return "an escape character reached the output";
        if (corpusCase.Completion) return null;
        var results = outcome.StandardOutput.Split('\n').Where(l => l.StartsWith("RESULT:", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        if (results.Count == 0) return "neither an object nor an error";
        var bad = results.FirstOrDefault(r => !(r.StartsWith("RESULT:ERROR:K8sComm.", StringComparison.Ordinal) || r.StartsWith("RESULT:OBJECT:", StringComparison.Ordinal)));
        if (bad is not null) return "not ours: " + bad;
        if (corpusCase.Command.Contains("-Probe") && results.Any(r => r == "RESULT:OBJECT:plain")) return "probe result missing";
        return null;
    }

    [SkippableFact]
    public async Task Every_hostile_case_ends_in_time_with_our_error_or_an_object_and_no_secret()
    {
        Skip.If(RealPwsh.MissingReason is not null, RealPwsh.MissingReason);
        Skip.If(OperatingSystem.IsWindows(), "FIFOs and /dev are Unix");

        var cases = KubeconfigCases().Concat(await ServerCasesAsync()).ToList();
        using var slots = new SemaphoreSlim(Parallel);
        var started = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(cases.Select(async corpusCase =>
        {
            await slots.WaitAsync();
            try
            {
                var clock = Stopwatch.StartNew();
                var outcome = await RealPwsh.RunAsync(Script(corpusCase), CaseTimeout, corpusCase.Environment);
                return (Case: corpusCase, Outcome: outcome, Problem: Judge(corpusCase, outcome), Seconds: clock.Elapsed.TotalSeconds);
            }
            finally
            {
                slots.Release();
            }
        }));

        var errors = outcomes.Count(o => o.Outcome.StandardOutput.Contains("RESULT:ERROR:K8sComm."));
        var objects = outcomes.Count(o => o.Outcome.StandardOutput.Contains("RESULT:OBJECT:"));
        output.WriteLine($"{cases.Count} cases ({cases.Count(c => c.Name.StartsWith("probe:"))} hostile servers) in {started.Elapsed.TotalSeconds:0} s: " +
            $"{errors} ended with our ErrorRecord, {objects} with an endpoint object, {outcomes.Count(o => o.Problem is null)} passed; heap capped at {RealPwsh.HeapLimitBytes / 1024 / 1024} MiB");
        foreach (var (corpusCase, outcome, problem, seconds) in outcomes)
            output.WriteLine($"{(problem is null ? "ok  " : "FAIL")} {corpusCase.Name} ({seconds:0.0} s): {string.Join(" ", outcome.StandardOutput.Split('\n').Where(l => l.StartsWith("RESULT:")).Select(l => l.Trim()[7..]).Distinct())} {problem}");

        var failures = outcomes.Where(o => o.Problem is not null).Select(o => $"{o.Case.Name}: {o.Problem}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

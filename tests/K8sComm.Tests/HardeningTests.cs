using System.Management.Automation;
using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>What a user, a pwsh power user and an attacker hit with Get-ApiServerEndpoint, in the real engine:
/// hostile names, bad paths, secrets outside credential fields, missing files, verdicts at 80 columns.</summary>
public sealed class HardeningTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("k8scomm-hardening-").FullName;
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Insecure, NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Escape = "\u001b";

    [Fact]
    public void Control_characters_in_names_never_reach_the_console_but_stay_on_the_object()
    {
        var context = $"evil{Escape}]0;pwned\u0007{Escape}[2Jctx";
        var path = Write("evil.yaml", $"""
            current-context: "{context.Replace(Escape, "\\e").Replace("\u0007", "\\a")}"
            clusters: [{"{"}name: "c{"\\e"}[31m", cluster: {"{"}server: "https://127.0.0.1:1", insecure-skip-tls-verify: true{"}}"}]
            users: [{"{"}name: "u{"\\e"}[5m", user: {"{"}token: t{"}}"}]
            contexts: [{"{"}name: "{context.Replace(Escape, "\\e").Replace("\u0007", "\\a")}", context: {"{"}cluster: "c{"\\e"}[31m", user: "u{"\\e"}[5m", namespace: "n{"\\e"}c"{"}}"}]
            """);
        using var session = ModuleSession.Start();

        var result = session.Invoke("""
            $e = Get-ApiServerEndpoint -Kubeconfig $Path -Verbose
            $e | Out-Default
            $e.Findings | Out-Default
            $e.Authentication | Out-Default
            Get-ApiServerEndpoint -Kubeconfig $Path -Context "nope`e[2J"
            $e.ToString()
            $e.Context
            """, ModuleSession.Vars(("Path", path)));

        var error = Assert.Single(result.Errors);
        Assert.Equal(context, result.Output[^1].ToString());
        var shown = result.HostText + result.Output[0] + error + error.ErrorDetails?.Message
            + string.Join("\n", result.Verbose.Select(v => v.Message));
        Assert.DoesNotContain(Escape, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", shown, StringComparison.Ordinal);
        Assert.Contains("␛]0;pwned␇␛[2J", shown);
        Assert.Contains("nope␛[2J", shown);
    }

    [Theory]
    [InlineData("/tmp/k8scomm\0config")]
    [InlineData("NoSuchDrive:/config")]
    [InlineData("Env:/PATH")]
    public void A_path_no_file_can_have_is_our_error_not_the_engines(string path)
    {
        using var session = ModuleSession.Start();

        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path", ModuleSession.Vars(("Path", path)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.PathInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.DoesNotContain("\0", error.ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
    }

    [Fact]
    public void Secrets_in_urls_and_exec_arguments_never_appear_in_any_stream_or_view()
    {
        var path = Write("urls.yaml", """
            current-context: c
            clusters:
            - name: k
              cluster:
                server: "https://admin:pw-marker-1@127.0.0.1:1/?token=tk-marker-2"
                proxy-url: "http://p:px-marker-3@127.0.0.1:2"
                insecure-skip-tls-verify: true
            users:
            - name: u
              user:
                exec: {command: get-token, apiVersion: client.authentication.k8s.io/v1, args: ["--token=ex-marker-4", "--client-secret", "ex-marker-5"], env: [{name: SECRET, value: env-marker-6}]}
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """);
        using var session = ModuleSession.Start();

        var result = session.Invoke("""
            $e = Get-ApiServerEndpoint -Kubeconfig $Path -Verbose -Debug
            $e | Out-Default
            $e.Findings | Out-Default
            $e.Authentication | Out-Default
            $e.Findings.Id
            $e.Server; $e.ServerUri; $e.ProxyUrl; "$($e.Authentication)"; "$($e.Findings)"
            $p = Get-ApiServerEndpoint -Kubeconfig $Path -Probe -TimeoutSec 2 -Verbose
            $p.Probe | Out-Default
            $p.Probe.Steps | ForEach-Object { $_.ToString() }
            """, ModuleSession.Vars(("Path", path)));

        var text = result.AllText();
        Assert.Contains("CredentialInUrl", text);
        Assert.Contains("REDACTED", text);
        foreach (var marker in new[] { "pw-marker-1", "tk-marker-2", "px-marker-3", "ex-marker-4", "ex-marker-5", "env-marker-6" })
            Assert.DoesNotContain(marker, text);
    }

    [Fact]
    public void A_context_whose_files_are_missing_is_still_written_with_a_high_finding_and_the_probe_says_what_it_skipped()
    {
        var path = Write("missing.yaml", $"""
            current-context: c
            clusters: [{"{"}name: k, cluster: {"{"}server: "{_cluster.ApiServerUri.ToString().TrimEnd('/')}", certificate-authority: {Path.Combine(_dir, "gone-ca.crt")}{"}}"}]
            users: [{"{"}name: u, user: {"{"}client-certificate: {Path.Combine(_dir, "gone.crt")}, client-key: {Path.Combine(_dir, "gone.key")}{"}}"}]
            contexts: [{"{"}name: c, context: {"{"}cluster: k, user: u{"}}"}]
            """);
        using var session = ModuleSession.Start();

        var result = session.Invoke("""
            $e = Get-ApiServerEndpoint -Kubeconfig $Path -Probe -TimeoutSec 10
            $e.Findings | Where-Object Id -eq FileUnreadable | ForEach-Object { '{0}|{1}' -f $_.Severity, $_.Message }
            $e.Probe.Steps | Where-Object Status -eq Skipped | ForEach-Object Name
            """, ModuleSession.Vars(("Path", path)));

        Assert.Empty(result.Errors);
        var lines = result.Output.Select(o => o.ToString()).ToList();
        Assert.Equal(3, lines.Count(l => l.StartsWith("High|", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("certificate-authority") && l.Contains("gone-ca.crt"));
        Assert.Contains(lines, l => l.Contains("client-key") && l.Contains("gone.key"));
        Assert.Contains("identity", lines);
    }

    [Fact]
    public void The_readmes_ci_gate_catches_what_the_probe_finds()
    {
        using var session = ModuleSession.Start();

        var result = session.Invoke("""
            (Get-ApiServerEndpoint -Kubeconfig $Path -All -Probe).Findings | Where-Object Severity -eq 'High' | ForEach-Object Id
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        var ids = result.Output.Select(o => o.ToString()).ToList();
        Assert.Contains("AnonymousAccessAllowed", ids);
        Assert.Contains("InsecureSkipTlsVerify", ids);
    }

    [Fact]
    public void All_with_probe_writes_contexts_in_the_order_they_are_listed()
    {
        using var session = ModuleSession.Start();

        var result = session.Invoke("""
            (Get-ApiServerEndpoint -Kubeconfig $Path -All).Context -join ','
            (Get-ApiServerEndpoint -Kubeconfig $Path -All -Probe -TimeoutSec 5 -ThrottleLimit 4).Context -join ','
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(result.Output[0].ToString(), result.Output[1].ToString());
    }
}

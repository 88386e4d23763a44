using System.Management.Automation;
using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>Get-ApiServerEndpoint in the real engine against a sandbox cluster, as a user runs it.</summary>
public sealed class GetApiServerEndpointTests : IAsyncLifetime
{
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void Reads_the_current_context_of_a_kubeconfig()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        Assert.Empty(result.Errors);
        dynamic endpoint = Assert.Single(result.Output);
        Assert.Equal("sandbox-admin", (string)endpoint.Context);
        // As the kubeconfig writes it (no slash added), with the parsed form beside it.
        Assert.Equal(_cluster.ApiServerUri.ToString().TrimEnd('/'), (string)endpoint.Server);
        Assert.Equal(_cluster.ApiServerUri, (Uri)endpoint.ServerUri);
        Assert.Equal(_cluster.ApiServerUri.Port, (int)endpoint.Port);
        Assert.Equal("Kubeconfig", endpoint.Source.ToString());
        Assert.Equal("certificate-authority-data", (string)endpoint.CertificateAuthority.Source);
        Assert.NotNull((string?)endpoint.CertificateAuthority.Sha256Fingerprint);
        var methods = ((IEnumerable<object>)endpoint.Authentication).Cast<dynamic>().ToArray();
        Assert.Contains(methods, m => m.Kind.ToString() == "ClientCertificate" && ((string)m.Subject).Contains("sandbox-admin"));
        Assert.Empty((IEnumerable<object>)endpoint.Findings);
        Assert.Null(endpoint.Probe);
    }

    [Fact]
    public void All_lists_every_context_and_flags_the_insecure_one()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path -All",
            ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.True(result.Output.Count >= 3);
        var contexts = result.Output.Select(o => (string)o.Properties["Context"].Value).ToArray();
        Assert.Equal(contexts.Order(StringComparer.Ordinal), contexts);
        Assert.Contains(result.Output, o => ((IEnumerable<object>)o.Properties["Findings"].Value).Cast<dynamic>()
            .Any(f => (string)f.Id == "InsecureSkipTlsVerify" && f.Severity.ToString() == "High"));
    }

    [Fact]
    public void Context_names_arrive_from_the_pipeline_and_a_bad_one_does_not_stop_the_rest()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("'no-such-context', $Good | Get-ApiServerEndpoint -Kubeconfig $Path",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig), ("Good", "sandbox-admin")));

        var error = Assert.Single(result.Errors);
        Assert.Equal("K8sComm.ContextNotFound,K8sComm.Commands.GetApiServerEndpointCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("sandbox-admin", error.ToString());
        Assert.Equal("no-such-context", error.TargetObject);
        Assert.Equal("sandbox-admin", (string)Assert.Single(result.Output).Properties["Context"].Value);
    }

    [Fact]
    public void Probe_of_a_secure_cluster_shows_verified_trust_and_who_we_are()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("(Get-ApiServerEndpoint -Kubeconfig $Path -Probe).Probe",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        Assert.Empty(result.Errors);
        dynamic probe = Assert.Single(result.Output);
        Assert.True((bool)probe.Reachable);
        Assert.True((bool?)probe.ChainTrusted);
        Assert.True((bool?)probe.NameMatches);
        Assert.StartsWith("v1.", (string)probe.ServerVersion);
        Assert.True((bool?)probe.Live);
        Assert.True((bool?)probe.Ready);
        Assert.Equal("Rejected", probe.AnonymousAccess.ToString());
        Assert.Equal("sandbox-admin", (string)probe.Identity);
        Assert.NotEmpty((IEnumerable<object>)probe.ServerAddressByClientCIDRs);
    }

    [Fact]
    public void Probe_with_a_token_never_shows_the_token_in_any_stream()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $endpoint = Get-ApiServerEndpoint -Kubeconfig $Path -Probe -Verbose -Debug
            $endpoint
            $endpoint | Out-Default
            $endpoint.Probe | Out-Default
            Get-ApiServerEndpoint -Kubeconfig $Path -Context nope -Verbose
            """, ModuleSession.Vars(("Path", _cluster.Files.TokenKubeconfig)));

        dynamic endpoint = result.Output[0];
        Assert.Equal("sandbox-admin", (string)endpoint.Probe.Identity);
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("K8sComm.ContextNotFound"));
        Assert.DoesNotContain(_cluster.AdminToken, result.AllText());
    }

    [Fact]
    public void The_default_views_show_a_table_and_a_list()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            Get-ApiServerEndpoint -Kubeconfig $Path -All | Out-Default
            Get-ApiServerEndpoint -Kubeconfig $Path -Probe | Out-Default -Transcript:$false
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Matches(@"Context\s+Server\s+Auth\s+Verdict", result.HostText);
        Assert.Contains(_cluster.ApiServerUri.ToString().TrimEnd('/'), result.HostText);
    }

    [Fact]
    public void Malformed_yaml_names_the_file_and_the_line()
    {
        string path = Path.Combine(Path.GetTempPath(), $"k8scomm-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: [unclosed\n");
        try
        {
            using var session = ModuleSession.Start();
            var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path", ModuleSession.Vars(("Path", path)));

            var error = Assert.Single(result.Errors);
            Assert.StartsWith("K8sComm.KubeconfigMalformed,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ParserError, error.CategoryInfo.Category);
            Assert.Contains(path, error.ToString());
            Assert.Matches(@"\b[56]\b", error.ToString());
            Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_explicit_kubeconfig_is_reported_with_where_it_looked()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"k8scomm-missing-{Guid.NewGuid():N}");
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path", ModuleSession.Vars(("Path", missing)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.KubeconfigNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains(missing, error.ToString());
    }

    [Fact]
    public void Errors_speak_Korean_under_ko_KR()
    {
        using var session = ModuleSession.Start("ko-KR");
        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path -Context nope",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        var error = Assert.Single(result.Errors);
        Assert.Matches(@"\p{IsHangulSyllables}", error.ToString());
        Assert.Matches(@"\p{IsHangulSyllables}", error.ErrorDetails!.RecommendedAction);
        Assert.Contains("sandbox-admin", error.ToString());
    }

    [Fact]
    public void Probing_keeps_the_order_asked_for_and_an_error_stops_only_after_the_results_before_it()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            try {
                'sandbox-admin', 'no-such-context', 'sandbox-token' |
                    Get-ApiServerEndpoint -Kubeconfig $Path -Probe -ErrorAction Stop | ForEach-Object Context
            }
            catch { 'caught ' + $_.FullyQualifiedErrorId }
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Equal(["sandbox-admin", "caught K8sComm.ContextNotFound,K8sComm.Commands.GetApiServerEndpointCommand"],
            result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Context_names_tab_complete_from_the_kubeconfig_given()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $line = "Get-ApiServerEndpoint -Kubeconfig '$Path' -Context sandbox-t"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(["sandbox-token"], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Context_names_tab_complete_from_kubeconfig_content_in_a_variable()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $text = [IO.File]::ReadAllText($Path)
            $line = 'Get-ApiServerEndpoint -KubeconfigContent $text -Context sandbox-i'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(["sandbox-insecure"], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void A_relative_kubeconfig_path_completes_against_the_sessions_location()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $null = $ExecutionContext.SessionState.Path.SetLocation([System.IO.Path]::GetDirectoryName($Path))
            $line = "Get-ApiServerEndpoint -Kubeconfig ./$([System.IO.Path]::GetFileName($Path)) -Context sandbox-i"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            (Get-ApiServerEndpoint -Kubeconfig ./$([System.IO.Path]::GetFileName($Path)) -Context sandbox-insecure).Context
            """, ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(["sandbox-insecure", "sandbox-insecure"], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Probing_a_context_that_skips_verification_warns_in_the_users_language()
    {
        using var session = ModuleSession.Start("ko-KR");
        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path -Context sandbox-insecure -Probe",
            ModuleSession.Vars(("Path", _cluster.Files.MultiContextKubeconfig)));

        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("sandbox-insecure", warning.Message);
        Assert.Matches(@"\p{IsHangulSyllables}", warning.Message);
        dynamic endpoint = Assert.Single(result.Output);
        Assert.True((bool)endpoint.Probe.Reachable);
    }
}

public sealed class ProbeStoppingTests
{
    [Fact]
    public async Task Ctrl_C_stops_a_probe_that_waits_on_a_stalled_handshake()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            NodeCount = 1,
            ApiServerFaults = new K8sComm.Sandbox.Faults.FaultPlan(K8sComm.Sandbox.Faults.FaultMode.StalledHandshake),
        });
        using var session = ModuleSession.Start();

        // Were the stop not to reach the probe, it would end by itself after 20 s with an endpoint
        // whose tls step failed, and the command would not count as stopped.
        var result = session.InvokeAndStop("Get-ApiServerEndpoint -Kubeconfig $Path -Probe -TimeoutSec 20",
            TimeSpan.FromSeconds(1), ModuleSession.Vars(("Path", cluster.Files.CertificateKubeconfig)));

        Assert.True(result.Stopped);
        Assert.Empty(result.Output);
        Assert.Empty(result.Errors);
    }
}

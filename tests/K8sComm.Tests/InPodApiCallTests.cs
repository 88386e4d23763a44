using System.Management.Automation;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Hosting;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>
/// Invoke-InPodApiCall and Get-ServiceAccountContext in the engine, against the sandbox's service-account
/// simulation. The pod's variables are set for the test only (this process's environment, put back after).
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class InPodApiCallTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Variables = ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
        foreach (var (name, value) in _cluster.InClusterEnvironment) Environment.SetEnvironmentVariable(name, value);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }

    private string ServiceAccount => _cluster.Files.ServiceAccountDirectory;
    private string Token => File.ReadAllText(Path.Combine(ServiceAccount, "token")).Trim();

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] more) =>
        ModuleSession.Vars([("Sa", ServiceAccount), ("Cluster", _cluster), .. more]);

    [Fact]
    public void Pods_in_the_own_namespace_come_back_as_objects_with_kubernetes_property_names()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -ServiceAccountPath $Sa -Verbose", Vars());

        Assert.Empty(result.Errors);
        dynamic pod = Assert.Single(result.Output);
        Assert.Equal("echo-0", (string)pod.metadata.name);
        Assert.Equal("default", (string)pod.metadata.@namespace);
        Assert.Equal("Running", (string)pod.status.phase);
        Assert.Equal("system:serviceaccount:default:default", _cluster.Requests.Entries.Last().User);
        Assert.DoesNotContain(Token, result.AllText());
    }

    [Fact]
    public void Another_namespace_is_ApiForbidden_naming_the_account_and_the_missing_role_rule()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Invoke-InPodApiCall /api/v1/namespaces/kube-system/pods -ServiceAccountPath $Sa", Vars());

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ApiForbidden,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Equal("system:serviceaccount:default:default may not list \"pods\" in the namespace \"kube-system\" (403 for /api/v1/namespaces/kube-system/pods).",
            error.ErrorDetails.Message);
        Assert.Contains("Role in the namespace \"kube-system\"", error.ErrorDetails.RecommendedAction);
        Assert.Contains("{apiGroups: [\"\"], resources: [\"pods\"], verbs: [\"list\"]}", error.ErrorDetails.RecommendedAction);
        Assert.Contains("kubectl create rolebinding list-pods -n kube-system --role=list-pods --serviceaccount=default:default",
            error.ErrorDetails.RecommendedAction);
        Assert.DoesNotContain(Token, result.AllText());
    }

    [Fact]
    public void The_rbac_hint_is_korean_in_a_korean_session()
    {
        using var session = ModuleSession.Start("ko-KR");
        var result = session.Invoke("Invoke-InPodApiCall /api/v1/namespaces/kube-system/pods -ServiceAccountPath $Sa", Vars());

        var error = Assert.Single(result.Errors);
        Assert.Contains("네임스페이스 \"kube-system\"", error.ErrorDetails.Message);
        Assert.Contains("롤바인딩", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_token_replaced_mid_session_with_the_old_one_revoked_keeps_a_loop_of_calls_working()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            foreach ($i in 1..30) {
                if ($i % 10 -eq 5) { $Cluster.RotateServiceAccountToken() }
                Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -ServiceAccountPath $Sa -ErrorAction Stop |
                    ForEach-Object { $_.metadata.name }
            }
            """, Vars());

        Assert.Empty(result.Errors);
        Assert.Equal(Enumerable.Repeat("echo-0", 30), result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Repeated_calls_share_one_connection_and_one_tls_handshake()
    {
        using var session = ModuleSession.Start();
        var before = _cluster.ApiServerHandshakes;
        var result = session.Invoke("@(1..20 | ForEach-Object { Invoke-InPodApiCall /version -ServiceAccountPath $Sa }).Count", Vars());

        Assert.Empty(result.Errors);
        Assert.Equal(20, (int)result.Output[0].BaseObject);
        Assert.Equal(before + 1, _cluster.ApiServerHandshakes);
    }

    [Fact]
    public void A_wrong_ca_crt_fails_closed_and_nothing_reaches_the_server()
    {
        var wrong = _cluster.WriteServiceAccountDirectory("default", "default");
        using (var otherCa = K8sComm.Sandbox.Pki.CertificateFactory.CreateAuthority("not-the-cluster-ca"))
            File.WriteAllText(Path.Combine(wrong, "ca.crt"), K8sComm.Sandbox.Pki.Pem.Certificate(otherCa));
        _cluster.Requests.Clear();
        using var session = ModuleSession.Start();
        var result = session.Invoke("Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -ServiceAccountPath $Wrong",
            Vars(("Wrong", wrong)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ServerCertificateUntrusted,", error.FullyQualifiedErrorId);
        Assert.Equal(0, _cluster.Requests.Count);
        Assert.DoesNotContain(File.ReadAllText(Path.Combine(wrong, "token")).Trim(), result.AllText());
    }

    [SkippableFact]
    public async Task IPv6_loopback_works_from_the_bracketed_service_variables()
    {
        Skip.IfNot(Ipv6Loopback.IsAvailable, Ipv6Loopback.MissingReason);
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1, IPv6 = true });
        foreach (var (name, value) in cluster.InClusterEnvironment) Environment.SetEnvironmentVariable(name, value);
        using var session = ModuleSession.Start();
        var result = session.Invoke("(Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -ServiceAccountPath $Sa).metadata.name",
            ModuleSession.Vars(("Sa", cluster.Files.ServiceAccountDirectory)));

        Assert.Empty(result.Errors);
        Assert.Equal("echo-0", Assert.Single(result.Output).ToString());
        Assert.Equal("::1", Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));
    }

    [Fact]
    public void WhatIf_sends_nothing()
    {
        using var session = ModuleSession.Start();
        _cluster.Requests.Clear();
        var result = session.Invoke("""
            Invoke-InPodApiCall -Method DELETE '/api/v1/namespaces/{namespace}/pods/echo-0' -ServiceAccountPath $Sa -WhatIf
            Invoke-InPodApiCall -Method PATCH '/api/v1/namespaces/{namespace}/pods/echo-0' -Body @{ metadata = @{ labels = @{ a = 'b' } } } -ServiceAccountPath $Sa -WhatIf
            """, Vars());

        Assert.Empty(result.Errors);
        Assert.Equal(0, _cluster.Requests.Count);
        Assert.Contains("DELETE", result.HostText);
        Assert.Contains("/api/v1/namespaces/default/pods/echo-0", result.HostText);
    }

    [Fact]
    public void A_body_object_is_sent_as_json_and_the_answer_comes_back()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $review = [ordered]@{ apiVersion = 'authentication.k8s.io/v1'; kind = 'SelfSubjectReview'; metadata = [pscustomobject]@{ labels = @{ a = 1 } } }
            (Invoke-InPodApiCall -Method POST /apis/authentication.k8s.io/v1/selfsubjectreviews -Body $review -ServiceAccountPath $Sa -Confirm:$false).status.userInfo.username
            """, Vars());

        Assert.Empty(result.Errors);
        Assert.Equal("system:serviceaccount:default:default", Assert.Single(result.Output).ToString());
    }

    [Fact]
    public void Outside_a_pod_it_is_NotInPod_saying_what_is_missing()
    {
        foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
        var nowhere = Path.Combine(_cluster.WorkDirectory, "no-serviceaccount");
        using var session = ModuleSession.Start();
        var result = session.Invoke("Invoke-InPodApiCall /version -ServiceAccountPath $Nowhere -ErrorAction Stop",
            Vars(("Nowhere", nowhere)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.NotInPod,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains($"KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, {Path.Combine(nowhere, "token")}", error.ErrorDetails.Message);
    }

    [Fact]
    public void All_follows_continue_tokens_and_NoEnumerate_keeps_the_list_whole()
    {
        _cluster.AddPods("default", 5);
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            (Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -Query @{ limit = 2 } -All -ServiceAccountPath $Sa).Count
            (Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -Query @{ limit = 2 } -ServiceAccountPath $Sa).Count
            $list = Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods?limit=2' -NoEnumerate -ServiceAccountPath $Sa
            $list.kind
            [bool]$list.metadata.continue
            (Invoke-InPodApiCall /version -Raw -ServiceAccountPath $Sa).GetType().Name
            """, Vars());

        Assert.Empty(result.Errors);
        Assert.Equal(["6", "2", "PodList", "True", "String"], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void OutFile_streams_the_body_to_a_file()
    {
        var file = Path.Combine(_cluster.WorkDirectory, "pods.json");
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -OutFile $File -ServiceAccountPath $Sa
            [IO.File]::ReadAllText($File).Contains('"kind":"PodList"')
            """, Vars(("File", file)));

        Assert.Empty(result.Errors);
        Assert.Equal("True", Assert.Single(result.Output).ToString());
    }

    [Fact]
    public void Watch_streams_events_and_ends_quietly_at_TimeoutSec()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods' -Watch -TimeoutSec 2 -ServiceAccountPath $Sa |
                ForEach-Object { '{0} {1} {2}' -f $_.GetType().FullName, $_.Type, $_.Object.metadata.name }
            """, Vars());

        Assert.Empty(result.Errors);
        Assert.Equal("K8sComm.WatchEvent ADDED echo-0", Assert.Single(result.Output).ToString());
    }

    [Fact]
    public void With_a_kubeconfig_the_same_call_uses_its_credentials_and_takes_a_url_object()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $proxyUrl = [pscustomobject]@{ PSTypeName = 'K8sComm.ProxyUrl'; Url = "$($Cluster.ApiServerUri)api/v1/namespaces/kube-system/pods" }
            @($proxyUrl | Invoke-InPodApiCall -Kubeconfig $Kubeconfig)[0].metadata.namespace
            Invoke-InPodApiCall /version -Kubeconfig $Kubeconfig -ApiServer https://kubernetes.default.svc
            """, Vars(("Kubeconfig", _cluster.Files.TokenKubeconfig)));

        Assert.Equal("kube-system", Assert.Single(result.Output).ToString());
        var conflict = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ConnectionParametersConflict,", conflict.FullyQualifiedErrorId);
        Assert.DoesNotContain(_cluster.AdminToken, result.AllText());
    }

    [Fact]
    public void A_path_that_is_not_absolute_is_ApiPathInvalid()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Invoke-InPodApiCall api/v1/pods -ServiceAccountPath $Sa", Vars());

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ApiPathInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void SkipCertificateCheck_warns()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Invoke-InPodApiCall /version -SkipCertificateCheck -ServiceAccountPath $Sa | Out-Null", Vars());

        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Message.Contains("-SkipCertificateCheck"));
    }

    [Fact]
    public void The_service_account_context_shows_the_pod_bound_token_and_verify_asks_the_server()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $c = Get-ServiceAccountContext -ServiceAccountPath $Sa -Verify -Verbose -Debug
            $c.TokenKind.ToString(); $c.Pod; $c.Node; $c.ServiceAccount; $c.Namespace; $c.NamespaceSource.ToString()
            $c.Verification.UserName
            ($c.Verification.Rules | Where-Object { $_.Resources -contains 'pods' }).Verbs -join ','
            $c.ExpiresAt -gt [DateTimeOffset]::UtcNow
            $c.CertificateAuthority.Subject
            """, Vars());

        Assert.Empty(result.Errors);
        var lines = result.Output.Select(o => o.ToString()).ToList();
        Assert.Equal(["Projected", SandboxCluster.ServiceAccountPodName, "node-0", "default", "default", "File",
            "system:serviceaccount:default:default", "get,list,watch", "True"], lines.Take(9));
        Assert.Contains("sandbox", lines[9], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, result.AllText());
    }
}

using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tests.Tls;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Kubelets;
using Xunit;

namespace K8sComm.Core.Tests.Api;

public class ApiServerProberTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(5);
    // Short enough to keep fault tests quick, long enough for a handshake on a busy 2-core machine.
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(1.5);

    private static Task<SandboxCluster> StartAsync(SandboxPosture posture = SandboxPosture.Secure,
        FaultPlan? faults = null, AnonymousMode? anonymous = null) =>
        SandboxCluster.StartAsync(new SandboxOptions { Posture = posture, NodeCount = 1, ApiServerFaults = faults, AnonymousAuth = anonymous });

    /// <summary>A guard against hangs, not a speed assertion: a probe that never returns fails the test.</summary>
    private static async Task<ProbeResult> ProbeAsync(ResolvedEndpoint endpoint, TimeSpan stepTimeout)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await ApiServerProber.ProbeAsync(endpoint, stepTimeout, guard.Token);
    }

    private static ProbeStep Step(ProbeResult result, string name) => Assert.Single(result.Steps, s => s.Name == name);

    [Fact]
    public async Task A_secure_cluster_probed_with_the_client_certificate()
    {
        await using var cluster = await StartAsync();

        var result = await ProbeAsync(Endpoints.Certificate(cluster), StepTimeout);

        Assert.All(result.Steps, s => Assert.True(s.Status == ProbeStepStatus.Succeeded, $"{s.Name}: {s.Status} {s.Error}"));
        Assert.Equal(ProbeStepNames.All, result.Steps.Select(s => s.Name));
        Assert.True(result.Reachable);
        Assert.StartsWith("TLS 1.", result.TlsVersion);
        Assert.Equal("CN=kube-apiserver", result.ServerCertificate!.Subject);
        Assert.Contains("kubernetes.default.svc", result.ServerCertificate.DnsNames);
        Assert.Contains("127.0.0.1", result.ServerCertificate.IpAddresses);
        Assert.Equal(TrustSource.EndpointCertificateAuthority, result.TrustSource);
        Assert.True(result.ChainTrusted, result.ChainError);
        Assert.Equal("127.0.0.1", result.ServerName);
        Assert.True(result.NameMatches, result.NameError);
        Assert.False(result.CredentialsWithheld);
        Assert.StartsWith("v1.", result.ServerVersion);
        Assert.NotEmpty(result.ServerAddressByClientCidrs);
        Assert.Equal($"127.0.0.1:{cluster.ApiServerPort}", result.ServerAddressByClientCidrs[0].ServerAddress);
        Assert.True(result.Live);
        Assert.True(result.Ready);
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
        Assert.Equal("sandbox-admin", result.Identity!.UserName);
        Assert.Contains("system:masters", result.Identity.Groups);
        Assert.True(result.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_secure_cluster_probed_with_the_admin_token()
    {
        await using var cluster = await StartAsync();

        var result = await ProbeAsync(Endpoints.Token(cluster), StepTimeout);

        Assert.True(result.ChainTrusted);
        Assert.Equal("sandbox-admin", result.Identity!.UserName);
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
    }

    [Fact]
    public async Task A_service_account_token_shows_its_own_identity()
    {
        await using var cluster = await StartAsync();

        var result = await ProbeAsync(Endpoints.Token(cluster, cluster.IssueServiceAccountToken("default", "default")), StepTimeout);

        Assert.Equal("system:serviceaccount:default:default", result.Identity!.UserName);
        Assert.Contains("system:serviceaccounts", result.Identity.Groups);
    }

    [Fact]
    public async Task The_insecure_posture_lets_anonymous_requests_through()
    {
        await using var cluster = await StartAsync(SandboxPosture.Insecure);

        var result = await ProbeAsync(Endpoints.Certificate(cluster), StepTimeout);

        Assert.Equal(AnonymousAccess.Allowed, result.AnonymousAccess);
        Assert.Equal(ProbeStepStatus.Succeeded, Step(result, ProbeStepNames.Anonymous).Status);
    }

    [Fact]
    public async Task Anonymous_requests_admitted_but_denied_are_reported_as_denied()
    {
        await using var cluster = await StartAsync(anonymous: AnonymousMode.DeniedByAuthorization);

        var result = await ProbeAsync(Endpoints.Certificate(cluster), StepTimeout);

        Assert.Equal(AnonymousAccess.Denied, result.AnonymousAccess);
    }

    [Fact]
    public async Task An_endpoint_without_credentials_probes_anonymously_and_skips_identity()
    {
        await using var cluster = await StartAsync();

        var result = await ProbeAsync(Endpoints.Anonymous(cluster), StepTimeout);

        Assert.True(result.ChainTrusted);
        Assert.False(result.CredentialsWithheld);
        Assert.Null(result.Identity);
        Assert.Equal(ProbeStepStatus.Skipped, Step(result, ProbeStepNames.Identity).Status);
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
    }

    [Fact]
    public async Task A_wrong_ca_reports_an_untrusted_chain_and_withholds_credentials()
    {
        await using var cluster = await StartAsync();
        using var otherCa = TestPki.CreateCa("other-ca");

        var result = await ProbeAsync(Endpoints.Certificate(cluster, TestPki.PemBytes(otherCa)), StepTimeout);

        Assert.True(result.Reachable);
        Assert.False(result.ChainTrusted);
        Assert.Contains("not in the CA bundle", result.ChainError);
        Assert.True(result.NameMatches);
        Assert.True(result.CredentialsWithheld);
        Assert.Equal("CN=kube-apiserver", result.ServerCertificate!.Subject);
        foreach (var name in new[] { ProbeStepNames.Version, ProbeStepNames.Api, ProbeStepNames.Livez, ProbeStepNames.Readyz, ProbeStepNames.Identity })
        {
            var step = Step(result, name);
            Assert.Equal(ProbeStepStatus.Skipped, step.Status);
            Assert.Contains("credentials withheld", step.Error);
        }
        Assert.Null(result.Identity);
        // What an anonymous caller gets is still worth knowing, and sends nothing secret.
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
    }

    [Fact]
    public async Task An_untrusted_server_never_receives_a_token_or_a_client_certificate()
    {
        using var realCa = TestPki.CreateCa("cluster-ca");
        using var impostorCa = TestPki.CreateCa("impostor-ca");
        using var impostor = TestPki.Issue(impostorCa, "kube-apiserver", ["localhost"], ["127.0.0.1"]);
        using var clientCertificate = TestPki.Issue(realCa, "alice", extendedKeyUsageOid: "1.3.6.1.5.5.7.3.2");
        await using var server = new RecordingServer(impostor, _ => (401, """{"kind":"Status","code":401,"reason":"Unauthorized","message":"Unauthorized"}"""));
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials
        {
            CertificateAuthorityData = TestPki.PemBytes(realCa), BearerToken = "do-not-leak", ClientCertificate = clientCertificate,
        });

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.False(result.ChainTrusted);
        Assert.True(result.CredentialsWithheld);
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, r =>
        {
            Assert.Null(r.Authorization);
            Assert.False(r.ClientPresentedCertificate);
        });
        Assert.DoesNotContain(result.Steps, s => (s.Error ?? "").Contains("do-not-leak"));
    }

    [Fact]
    public async Task A_name_mismatch_also_withholds_credentials()
    {
        await using var cluster = await StartAsync();
        var endpoint = Endpoints.Token(cluster) with { TlsServerName = "api.elsewhere.example" };

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.True(result.ChainTrusted);
        Assert.False(result.NameMatches);
        Assert.Equal("api.elsewhere.example", result.ServerName);
        Assert.Contains("api.elsewhere.example", result.NameError);
        Assert.True(result.CredentialsWithheld);
        Assert.Equal(ProbeStepStatus.Skipped, Step(result, ProbeStepNames.Identity).Status);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_sends_credentials_and_reports_the_unverified_chain()
    {
        await using var cluster = await StartAsync();

        var result = await ProbeAsync(Endpoints.Insecure(cluster), StepTimeout);

        Assert.Equal(TrustSource.NotVerified, result.TrustSource);
        Assert.False(result.ChainTrusted);
        Assert.False(result.CredentialsWithheld);
        Assert.Equal("sandbox-admin", result.Identity!.UserName);
    }

    [Fact]
    public async Task A_stalled_handshake_fails_the_tls_step_at_the_timeout_and_skips_the_rest()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.StalledHandshake));

        var result = await ProbeAsync(Endpoints.Token(cluster), ShortTimeout);

        Assert.False(result.Reachable);
        var tls = Step(result, ProbeStepNames.Tls);
        Assert.Equal(ProbeStepStatus.Failed, tls.Status);
        Assert.Contains("timed out", tls.Error);
        Assert.All(result.Steps.Skip(1), s => Assert.Equal(ProbeStepStatus.Skipped, s.Status));
        Assert.Equal(ProbeStepNames.All, result.Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task Server_errors_fail_the_steps_and_say_not_live()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.ServerError));

        var result = await ProbeAsync(Endpoints.Token(cluster), StepTimeout);

        Assert.True(result.Reachable);
        Assert.True(result.ChainTrusted);
        Assert.False(result.Live);
        Assert.False(result.Ready);
        Assert.Null(result.ServerVersion);
        Assert.Equal(AnonymousAccess.Unknown, result.AnonymousAccess);
        foreach (var name in new[] { ProbeStepNames.Version, ProbeStepNames.Api, ProbeStepNames.Livez, ProbeStepNames.Readyz, ProbeStepNames.Anonymous, ProbeStepNames.Identity })
        {
            var step = Step(result, name);
            Assert.Equal(ProbeStepStatus.Failed, step.Status);
            Assert.StartsWith("500", step.Error);
        }
    }

    [Fact]
    public async Task Reset_connections_fail_every_http_step()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.ConnectionReset));

        var result = await ProbeAsync(Endpoints.Token(cluster), StepTimeout);

        Assert.Equal(ProbeStepStatus.Succeeded, Step(result, ProbeStepNames.Tls).Status);
        Assert.All(result.Steps.Skip(1), s => Assert.Equal(ProbeStepStatus.Failed, s.Status));
        Assert.Null(result.Live);
    }

    [Fact]
    public async Task A_garbage_body_fails_the_step_that_parses_it()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.GarbageBody, PathPrefix: "/version"));

        var result = await ProbeAsync(Endpoints.Token(cluster), StepTimeout);

        var version = Step(result, ProbeStepNames.Version);
        Assert.Equal(ProbeStepStatus.Failed, version.Status);
        Assert.Contains("not valid JSON", version.Error);
        Assert.Equal(ProbeStepStatus.Succeeded, Step(result, ProbeStepNames.Identity).Status);
    }

    [Theory]
    [InlineData(FaultMode.TruncatedBody)]
    [InlineData(FaultMode.OversizedBody)]
    [InlineData(FaultMode.ServerError)]
    [InlineData(FaultMode.ConnectionReset)]
    public async Task A_fault_on_one_path_fails_only_its_step(FaultMode mode)
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(mode, PathPrefix: "/version"));

        var result = await ProbeAsync(Endpoints.Token(cluster), StepTimeout);

        var version = Step(result, ProbeStepNames.Version);
        Assert.Equal(ProbeStepStatus.Failed, version.Status);
        Assert.False(string.IsNullOrWhiteSpace(version.Error));
        Assert.Null(result.ServerVersion);
        Assert.All(result.Steps.Where(s => s.Name != ProbeStepNames.Version),
            s => Assert.True(s.Status == ProbeStepStatus.Succeeded, $"{s.Name}: {s.Error}"));
        Assert.Equal("sandbox-admin", result.Identity?.UserName);
    }

    [Fact]
    public async Task A_hung_server_uses_up_the_probes_one_time_limit()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.Latency, TimeSpan.FromSeconds(30), PathPrefix: "/livez"));

        var result = await ProbeAsync(Endpoints.Token(cluster), ShortTimeout);

        var livez = Step(result, ProbeStepNames.Livez);
        Assert.Equal(ProbeStepStatus.Failed, livez.Status);
        Assert.Contains("time limit", livez.Error);
        Assert.Null(result.Live);
        // Steps before it ran; the ones after it never start: the limit is for the whole probe, not per step.
        Assert.Equal(ProbeStepStatus.Succeeded, Step(result, ProbeStepNames.Version).Status);
        foreach (var name in new[] { ProbeStepNames.Readyz, ProbeStepNames.Identity, ProbeStepNames.Latency })
        {
            var step = Step(result, name);
            Assert.Equal(ProbeStepStatus.Skipped, step.Status);
            Assert.Contains("time limit", step.Error);
        }
    }

    [Fact]
    public async Task A_server_that_trickles_every_answer_holds_the_probe_for_one_time_limit_not_one_per_step()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.SlowTrickle, TimeSpan.FromSeconds(1)));

        var result = await ProbeAsync(Endpoints.Token(cluster), ShortTimeout);

        // At most the step running when the limit came and the anonymous step beside it time out; every
        // later step is skipped without being started.
        var timedOut = result.Steps.Where(s => s.Status == ProbeStepStatus.Failed).ToList();
        Assert.InRange(timedOut.Count, 1, 2);
        Assert.All(timedOut, s => Assert.Contains("time limit", s.Error));
        var notStarted = result.Steps.Where(s => s.Status == ProbeStepStatus.Skipped).ToList();
        Assert.Contains(notStarted, s => s.Name == ProbeStepNames.Latency);
        Assert.All(notStarted, s => Assert.Contains("time limit", s.Error));
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "v1alpha1" }, "sandbox-admin")]
    [InlineData(new[] { "v1beta1" }, "sandbox-admin")]
    public async Task Identity_falls_back_like_kubectl_auth_whoami_and_a_server_without_it_is_not_a_failure(string[] served, string? user)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1, SelfSubjectReviewVersions = served });

        var result = await ProbeAsync(Endpoints.Token(cluster), StepTimeout);

        var identity = Step(result, ProbeStepNames.Identity);
        Assert.Equal(user is null ? ProbeStepStatus.NotSupported : ProbeStepStatus.Succeeded, identity.Status);
        Assert.Equal(user, result.Identity?.UserName);
        if (user is null)
            Assert.Contains("SelfSubjectReview", identity.Error);
        Assert.DoesNotContain(result.Steps, s => s.Status == ProbeStepStatus.Failed);
    }

    [Fact]
    public async Task A_server_that_presents_another_certificate_later_is_not_reported_as_trusted()
    {
        using var realCa = TestPki.CreateCa("cluster-ca");
        using var impostorCa = TestPki.CreateCa("impostor-ca");
        using var real = TestPki.Issue(realCa, "kube-apiserver", ["localhost"], ["127.0.0.1"]);
        using var impostor = TestPki.Issue(impostorCa, "kube-apiserver", ["localhost"], ["127.0.0.1"]);
        await using var server = new RecordingServer(real, _ => (200, """{"kind":"APIVersions","versions":["v1"],"gitVersion":"v1.32.0"}"""))
        {
            LaterCertificate = impostor,
        };
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials
        {
            CertificateAuthorityData = TestPki.PemBytes(realCa), BearerToken = "do-not-leak",
        });

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.True(result.CertificateChanged);
        Assert.False(result.ChainTrusted);
        Assert.Contains("another certificate", result.ChainError);
        var finding = Assert.Single(result.Findings, f => f.Id == FindingIds.ServerCertificateChanged);
        Assert.Equal(FindingSeverity.High, finding.Severity);
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task What_the_probe_sees_becomes_findings_in_the_kubeconfigs_vocabulary()
    {
        await using var insecure = await StartAsync(SandboxPosture.Insecure);
        await using var denied = await StartAsync(anonymous: AnonymousMode.DeniedByAuthorization);
        using var otherCa = TestPki.CreateCa("other-ca");

        var allowed = await ProbeAsync(Endpoints.Certificate(insecure), StepTimeout);
        var deniedResult = await ProbeAsync(Endpoints.Certificate(denied), StepTimeout);
        var untrusted = await ProbeAsync(Endpoints.Certificate(denied, TestPki.PemBytes(otherCa)), StepTimeout);
        var mismatch = await ProbeAsync(Endpoints.Token(denied) with { TlsServerName = "api.elsewhere.example" }, StepTimeout);

        Assert.Contains(allowed.Findings, f => f is { Id: FindingIds.AnonymousAccessAllowed, Severity: FindingSeverity.High });
        Assert.Contains(deniedResult.Findings, f => f is { Id: FindingIds.AnonymousAccessDenied, Severity: FindingSeverity.Low });
        Assert.DoesNotContain(deniedResult.Findings, f => f.Severity == FindingSeverity.High);
        Assert.Contains(untrusted.Findings, f => f is { Id: FindingIds.ServerCertificateUntrusted, Severity: FindingSeverity.High });
        Assert.Contains(untrusted.Findings, f => f is { Id: FindingIds.CredentialsWithheld, Severity: FindingSeverity.Medium });
        Assert.Contains(mismatch.Findings, f => f is { Id: FindingIds.ServerNameMismatch, Severity: FindingSeverity.High }
            && f.Arguments![0] == "api.elsewhere.example");
    }

    [Fact]
    public async Task An_expired_serving_certificate_is_a_high_finding()
    {
        using var ca = TestPki.CreateCa("cluster-ca");
        using var expired = TestPki.Issue(ca, "kube-apiserver", ["localhost"], ["127.0.0.1"], notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        await using var server = new RecordingServer(expired);
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials { CertificateAuthorityData = TestPki.PemBytes(ca) });

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.False(result.ChainTrusted);
        Assert.Contains(result.Findings, f => f is { Id: FindingIds.ServerCertificateExpired, Severity: FindingSeverity.High });
    }

    [Fact]
    public async Task A_slow_trickle_is_cut_off_at_the_timeout()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.SlowTrickle, TimeSpan.FromSeconds(1), PathPrefix: "/api"));

        var result = await ProbeAsync(Endpoints.Token(cluster), ShortTimeout);

        var api = Step(result, ProbeStepNames.Api);
        Assert.Equal(ProbeStepStatus.Failed, api.Status);
        Assert.Contains("timed out", api.Error);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        var port = FreePort();
        var endpoint = Endpoints.For(new Uri($"https://127.0.0.1:{port}"), new EndpointCredentials { BearerToken = "x" });

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.False(result.Reachable);
        Assert.Contains($"127.0.0.1:{port}", Step(result, ProbeStepNames.Tls).Error);
        Assert.All(result.Steps.Skip(1), s => Assert.Equal(ProbeStepStatus.Skipped, s.Status));
    }

    [Fact]
    public async Task Plain_http_withholds_a_token_but_probes_anonymously()
    {
        await using var server = new RecordingServer(null, r => r.Path switch
        {
            "/api/v1/namespaces" => (403, """{"kind":"Status","code":403,"reason":"Forbidden","message":"forbidden"}"""),
            _ => (200, "{}"),
        });
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials { BearerToken = "plain-secret" });

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.Equal(ProbeStepStatus.Skipped, Step(result, ProbeStepNames.Tls).Status);
        Assert.True(result.CredentialsWithheld);
        Assert.Null(result.ChainTrusted);
        Assert.Equal(AnonymousAccess.Denied, result.AnonymousAccess);
        Assert.True(result.Reachable);
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Cancellation_ends_the_probe()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.StalledHandshake));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ApiServerProber.ProbeAsync(Endpoints.Token(cluster), TimeSpan.FromMinutes(5), cancel.Token));
    }

    [Fact]
    public async Task No_step_error_carries_a_secret()
    {
        await using var cluster = await StartAsync(faults: new FaultPlan(FaultMode.ServerError));
        var token = cluster.AdminToken;

        var result = await ProbeAsync(Endpoints.Token(cluster, token), StepTimeout);

        Assert.DoesNotContain(result.Steps, s => (s.Error ?? "").Contains(token));
        Assert.DoesNotContain(token, result.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unreadable_ca_data_is_reported_not_thrown_and_credentials_stay_home(bool insecure)
    {
        await using var cluster = await StartAsync();
        var endpoint = Endpoints.Token(cluster, ca: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"u8.ToArray())
            with { InsecureSkipTlsVerify = insecure };

        var result = await ProbeAsync(endpoint, StepTimeout);

        Assert.True(result.Reachable);
        Assert.False(result.ChainTrusted);
        Assert.Contains("can't be read", result.ChainError);
        Assert.True(result.CredentialsWithheld);
        Assert.Equal(ProbeStepStatus.Skipped, Step(result, ProbeStepNames.Identity).Status);
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using K8sComm.Sandbox.Kubelets;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>Who may call a sandbox kubelet, and what it answers.</summary>
public sealed class KubeletAccessTests(KubeletFleetFixture fixture) : IClassFixture<KubeletFleetFixture>
{
    SandboxKubelet Anon(AnonymousMode mode) => fixture.Kubelet(KubeletFleetFixture.AnonNode(mode));

    [Theory]
    [InlineData(AnonymousMode.Rejected, HttpStatusCode.Unauthorized)]
    [InlineData(AnonymousMode.DeniedByAuthorization, HttpStatusCode.Forbidden)]
    [InlineData(AnonymousMode.Allowed, HttpStatusCode.OK)]
    public async Task Anonymous_pods_request_gets_what_the_posture_says(AnonymousMode mode, HttpStatusCode expected)
    {
        using var http = TlsClient.Http();
        using var response = await http.GetAsync(new Uri(Anon(mode).Uri, "/pods"));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_denial_names_the_user_and_the_node_subresource_as_the_kubelet_does()
    {
        using var http = TlsClient.Http();
        var kubelet = Anon(AnonymousMode.DeniedByAuthorization);

        using var proxy = await http.GetAsync(new Uri(kubelet.Uri, "/pods"));
        using var stats = await http.GetAsync(new Uri(kubelet.Uri, "/stats/summary"));

        Assert.Equal("Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)", (await proxy.Content.ReadAsStringAsync()).Trim());
        Assert.Equal("Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=stats)", (await stats.Content.ReadAsStringAsync()).Trim());
    }

    [Theory]
    [InlineData(AnonymousMode.Rejected)]
    [InlineData(AnonymousMode.DeniedByAuthorization)]
    [InlineData(AnonymousMode.Allowed)]
    public async Task A_client_certificate_from_the_cluster_ca_is_authorized_whatever_the_anonymous_mode(AnonymousMode mode)
    {
        using var client = TestPki.IssueClient(fixture.ClusterCa, "kube-apiserver-kubelet-client");
        using var http = TlsClient.Http(client);

        using var response = await http.GetAsync(new Uri(Anon(mode).Uri, "/pods"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_client_certificate_from_another_ca_is_not_authenticated()
    {
        using var otherCa = TestPki.CreateCa("someone-else");
        using var client = TestPki.IssueClient(otherCa, "intruder");
        using var http = TlsClient.Http(client);

        using var response = await http.GetAsync(new Uri(Anon(AnonymousMode.Rejected).Uri, "/pods"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(AnonymousMode.Rejected, HttpStatusCode.Unauthorized)]
    [InlineData(AnonymousMode.DeniedByAuthorization, HttpStatusCode.Unauthorized)] // not 403: no fallback to anonymous
    [InlineData(AnonymousMode.Allowed, HttpStatusCode.OK)] // webhook off: the token is never read
    public async Task A_bearer_token_the_kubelet_cannot_verify_is_rejected_where_webhook_authentication_is_on(AnonymousMode mode, HttpStatusCode expected)
    {
        using var http = TlsClient.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Anon(mode).Uri, "/pods"));
        request.Headers.Authorization = new("Bearer", "not-a-real-token");

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Pods_healthz_and_stats_answer_like_a_kubelet()
    {
        var kubelet = Anon(AnonymousMode.Allowed);
        using var http = TlsClient.Http();

        using var pods = JsonDocument.Parse(await http.GetStringAsync(new Uri(kubelet.Uri, "/pods")));
        var healthz = await http.GetStringAsync(new Uri(kubelet.Uri, "/healthz"));
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(kubelet.Uri, "/stats/summary")));
        using var missing = await http.GetAsync(new Uri(kubelet.Uri, "/no-such-endpoint"));

        Assert.Equal("PodList", pods.RootElement.GetProperty("kind").GetString());
        var pod = Assert.Single(pods.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(kubelet.NodeName, pod.GetProperty("spec").GetProperty("nodeName").GetString());
        Assert.Equal("ok", healthz);
        Assert.Equal(kubelet.NodeName, stats.RootElement.GetProperty("node").GetProperty("nodeName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData(AnonymousMode.Rejected, false, "Webhook")]
    [InlineData(AnonymousMode.DeniedByAuthorization, true, "Webhook")]
    [InlineData(AnonymousMode.Allowed, true, "AlwaysAllow")]
    public async Task Configz_reports_the_posture(AnonymousMode mode, bool anonymousEnabled, string authorizationMode)
    {
        var kubelet = Anon(mode);
        using var client = TestPki.IssueClient(fixture.ClusterCa, "kube-apiserver-kubelet-client");
        using var http = TlsClient.Http(client);

        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(kubelet.Uri, "/configz")));
        var config = doc.RootElement.GetProperty("kubeletconfig");

        Assert.Equal(anonymousEnabled, config.GetProperty("authentication").GetProperty("anonymous").GetProperty("enabled").GetBoolean());
        Assert.Equal(authorizationMode, config.GetProperty("authorization").GetProperty("mode").GetString());
        Assert.Equal(KubeletDocuments.ClientCaFile, config.GetProperty("authentication").GetProperty("x509").GetProperty("clientCAFile").GetString());
        Assert.Equal(kubelet.Port, config.GetProperty("port").GetInt32());
        Assert.Equal(kubelet.ReadOnlyPort ?? 0, config.GetProperty("readOnlyPort").GetInt32());
        Assert.True(config.GetProperty("serverTLSBootstrap").GetBoolean()); // these kubelets are CaSigned
        Assert.False(config.TryGetProperty("tlsCertFile", out _));
    }

    [Theory]
    [InlineData(KubeletCertificateKind.SelfSigned, false, false)]
    [InlineData(KubeletCertificateKind.WrongCa, false, true)]
    [InlineData(KubeletCertificateKind.Expired, false, true)]
    public async Task Configz_says_where_the_serving_certificate_comes_from(KubeletCertificateKind kind, bool bootstrap, bool certFile)
    {
        var kubelet = fixture.Kubelet(KubeletFleetFixture.CertNode(kind));
        using var client = TestPki.IssueClient(fixture.ClusterCa, "kube-apiserver-kubelet-client");
        using var http = TlsClient.Http(client);

        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(kubelet.Uri, "/configz")));
        var config = doc.RootElement.GetProperty("kubeletconfig");

        Assert.Equal(bootstrap, config.GetProperty("serverTLSBootstrap").GetBoolean());
        Assert.Equal(certFile, config.TryGetProperty("tlsCertFile", out _));
    }

    [Fact]
    public async Task Read_only_port_serves_pods_and_healthz_over_plain_http_without_credentials()
    {
        var kubelet = Anon(AnonymousMode.Allowed);
        Assert.NotNull(kubelet.ReadOnlyUri);
        using var http = TlsClient.Http();

        using var pods = JsonDocument.Parse(await http.GetStringAsync(new Uri(kubelet.ReadOnlyUri, "/pods")));
        var healthz = await http.GetStringAsync(new Uri(kubelet.ReadOnlyUri, "/healthz"));
        using var configz = await http.GetAsync(new Uri(kubelet.ReadOnlyUri, "/configz"));

        Assert.Equal(kubelet.NodeName, pods.RootElement.GetProperty("items")[0].GetProperty("spec").GetProperty("nodeName").GetString());
        Assert.Equal("ok", healthz);
        Assert.Equal(HttpStatusCode.NotFound, configz.StatusCode);
    }

    [Fact]
    public void Read_only_port_is_closed_unless_the_posture_opens_it()
    {
        Assert.Null(Anon(AnonymousMode.Rejected).ReadOnlyPort);
        Assert.Null(Anon(AnonymousMode.Rejected).ReadOnlyUri);
        Assert.NotNull(Anon(AnonymousMode.Allowed).ReadOnlyPort);
        var ports = fixture.Fleet.Kubelets.SelectMany(k => new[] { k.Port, k.ReadOnlyPort ?? 0 }).Where(p => p != 0).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Fact]
    public async Task A_kubelets_fault_plan_applies_to_it_alone_and_only_under_its_path_prefix()
    {
        using var http = TlsClient.Http();
        var faulty = fixture.Kubelet("faulty");

        using var pods = await http.GetAsync(new Uri(faulty.Uri, "/pods"));
        using var healthz = await http.GetAsync(new Uri(faulty.Uri, "/healthz"));
        using var neighbour = await http.GetAsync(new Uri(Anon(AnonymousMode.Allowed).Uri, "/pods"));

        Assert.Equal(HttpStatusCode.InternalServerError, pods.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
    }

    [Fact]
    public async Task A_stalled_kubelet_accepts_tcp_but_never_completes_the_handshake()
    {
        var stalled = fixture.Kubelet("stalled");
        using var http = TlsClient.Http(timeout: TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync(new Uri(stalled.Uri, "/healthz")));
        Assert.IsType<TaskCanceledException>(ex);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, stalled.Port); // TCP itself is accepted
        Assert.True(tcp.Connected);
    }

    [Fact]
    public async Task Fleet_start_rejects_bad_options()
    {
        using var ca = TestPki.CreateCa();
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.RawData);

        await Assert.ThrowsAsync<ArgumentException>(() => KubeletFleet.StartAsync(new KubeletFleetOptions
        { ClusterCa = publicOnly, Specs = [new("n", KubeletPosture.Secure)] }));
        await Assert.ThrowsAsync<ArgumentException>(() => KubeletFleet.StartAsync(new KubeletFleetOptions
        { ClusterCa = ca, Specs = [new("n", KubeletPosture.Secure), new("n", KubeletPosture.Secure)] }));
    }
}

/// <summary>The named postures the sandbox cluster builds on.</summary>
public sealed class KubeletPostureTests
{
    [Fact]
    public void Secure_is_ca_signed_anonymous_rejected_and_without_read_only_port()
    {
        Assert.Equal(new KubeletPosture(KubeletCertificateKind.CaSigned, AnonymousMode.Rejected, ReadOnlyPort: false), KubeletPosture.Secure);
    }

    [Fact]
    public void Insecure_cycles_through_every_weak_certificate_kind_with_anonymous_allowed_and_read_only_port_open()
    {
        var postures = Enumerable.Range(0, 2 * KubeletPosture.WeakCertificates.Count).Select(KubeletPosture.Insecure).ToList();

        Assert.Equal(
            Enum.GetValues<KubeletCertificateKind>().Where(k => k != KubeletCertificateKind.CaSigned).Order(),
            postures.Select(p => p.Certificate).Distinct().Order());
        Assert.All(postures, p => Assert.Equal(AnonymousMode.Allowed, p.Anonymous));
        Assert.All(postures, p => Assert.True(p.ReadOnlyPort));
        Assert.Equal(postures[0], postures[KubeletPosture.WeakCertificates.Count]);
    }
}

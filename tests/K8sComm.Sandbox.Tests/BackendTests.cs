using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using K8sComm.Sandbox.Backends;
using K8sComm.Sandbox.Kubelets;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>The echo backends behind the proxy, and that every sandbox server gives its ports back.</summary>
public sealed class BackendTests
{
    [Fact]
    public async Task Http_echo_reports_method_path_query_and_selected_headers()
    {
        await using var backends = await EchoBackends.StartAsync();
        using var http = TlsClient.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(backends.HttpUri, "/some/path?x=1&y=two"))
        {
            Content = new StringContent("hello", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("X-Forwarded-For", "10.0.0.7");
        request.Headers.Add("X-Echo-Marker", "m-1");
        request.Headers.Add("X-Not-Echoed", "secret-ish");

        using var response = await http.SendAsync(request);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = echo.RootElement;
        var headers = root.GetProperty("headers");

        Assert.Equal("http", root.GetProperty("backend").GetString());
        Assert.Equal("POST", root.GetProperty("method").GetString());
        Assert.Equal("/some/path", root.GetProperty("path").GetString());
        Assert.Equal("?x=1&y=two", root.GetProperty("query").GetString());
        Assert.Equal(5, root.GetProperty("bodyBytes").GetInt64());
        Assert.Equal("10.0.0.7", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("m-1", headers.GetProperty("x-echo-marker").GetString());
        Assert.Equal($"127.0.0.1:{backends.HttpPort}", headers.GetProperty("host").GetString());
        Assert.False(headers.TryGetProperty("x-not-echoed", out _));
    }

    [Fact]
    public async Task Echo_says_whether_credentials_arrived_but_never_echoes_them()
    {
        await using var backends = await EchoBackends.StartAsync();
        using var http = TlsClient.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, backends.HttpsUri);
        request.Headers.Authorization = new("Bearer", "very-secret-token");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        using var anonymous = JsonDocument.Parse(await http.GetStringAsync(backends.HttpsUri));

        Assert.Contains("\"authorization\":\"present\"", body);
        Assert.DoesNotContain("very-secret-token", body);
        Assert.Equal("absent", anonymous.RootElement.GetProperty("authorization").GetString());
        Assert.Equal("https", anonymous.RootElement.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Https_backend_is_self_signed_by_default()
    {
        await using var backends = await EchoBackends.StartAsync();

        var hs = await TlsClient.HandshakeAsync(backends.HttpsPort, "echo-backend");

        Assert.Equal(hs.Certificate.Subject, hs.Certificate.Issuer);
        Assert.Equal(backends.HttpsCertificate.Thumbprint, hs.Certificate.Thumbprint);
        Assert.False(backends.HttpsCertificate.HasPrivateKey);
        Assert.Contains("IP:127.0.0.1", TestPki.SubjectAlternativeNames(hs.Certificate));
    }

    [Fact]
    public async Task Https_backend_can_be_signed_by_a_given_ca()
    {
        using var ca = TestPki.CreateCa();
        await using var backends = await EchoBackends.StartAsync(new EchoBackendOptions { Issuer = ca });

        var hs = await TlsClient.HandshakeAsync(backends.HttpsPort, "echo-backend");

        Assert.Equal(ca.Subject, hs.Certificate.Issuer);
        Assert.True(TestPki.ChainsTo(hs.Certificate, ca));
        Assert.Contains("-----BEGIN CERTIFICATE-----", backends.HttpsCertificatePem);
    }

    [Fact]
    public async Task Disposing_backends_frees_both_ports()
    {
        var backends = await EchoBackends.StartAsync();
        int[] ports = [backends.HttpPort, backends.HttpsPort];
        using (var http = TlsClient.Http())
            await http.GetStringAsync(backends.HttpUri); // leave a pooled connection behind on purpose

        await backends.DisposeAsync();

        await AssertPortsFreeAsync(ports);
    }

    [Fact]
    public async Task Disposing_a_fleet_frees_every_port_including_read_only_ones()
    {
        using var ca = TestPki.CreateCa();
        var fleet = await KubeletFleet.StartAsync(new KubeletFleetOptions
        {
            ClusterCa = ca,
            Specs = [.. Enumerable.Range(0, 4).Select(i => new KubeletSpec($"node-{i}", KubeletPosture.Insecure(i)))],
        });
        var ports = fleet.Kubelets.SelectMany(k => new[] { k.Port, k.ReadOnlyPort!.Value }).ToArray();
        Assert.Equal(8, ports.Distinct().Count());
        using (var http = TlsClient.Http())
            await http.GetStringAsync(new Uri(fleet.Kubelets[0].Uri, "/pods"));

        await fleet.DisposeAsync();

        await AssertPortsFreeAsync(ports);
    }

    [Fact]
    public async Task Disposing_a_fleet_releases_a_client_stuck_in_a_stalled_handshake()
    {
        using var ca = TestPki.CreateCa();
        var fleet = await KubeletFleet.StartAsync(new KubeletFleetOptions
        {
            ClusterCa = ca,
            Specs = [new("stalled", new KubeletPosture(Faults: new Faults.FaultPlan(Faults.FaultMode.StalledHandshake)))],
        });
        var port = fleet.Kubelets[0].Port;
        var handshake = TlsClient.HandshakeAsync(port, "stalled");
        await Task.Delay(100); // let the ClientHello arrive; the assertions don't depend on it

        await fleet.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        // Released by the server closing the connection, not by the client's own timeout.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => handshake.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(ex is OperationCanceledException or TimeoutException, ex.ToString());
        await AssertPortsFreeAsync([port]);
    }

    // Nothing listens any more (connections are refused) and the port can be bound again.
    static async Task AssertPortsFreeAsync(IEnumerable<int> ports)
    {
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }
}

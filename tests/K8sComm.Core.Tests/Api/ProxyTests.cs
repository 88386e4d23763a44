using System.Net;
using System.Net.Sockets;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using K8sComm.Core.Transport;
using K8sComm.Sandbox;
using Xunit;

namespace K8sComm.Core.Tests.Api;

public class ProxyTests
{
    private static Task<SandboxCluster> StartAsync() => SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    [Fact]
    public async Task Socks5_without_authentication_reaches_the_api_server()
    {
        await using var cluster = await StartAsync();
        await using var proxy = new Socks5Proxy();
        using var client = new ApiServerClient(Endpoints.Token(cluster) with { ProxyUrl = new Uri($"socks5://127.0.0.1:{proxy.Port}") });

        Assert.True((await client.GetAsync("/version", CancellationToken.None)).IsSuccess);
        Assert.Equal($"127.0.0.1:{cluster.ApiServerPort}", Assert.Single(proxy.Targets));
    }

    [Fact]
    public async Task Socks5_with_a_user_name_and_password()
    {
        await using var cluster = await StartAsync();
        await using var proxy = new Socks5Proxy(("proxy-user", "proxy pass"));
        var good = Endpoints.Token(cluster) with { ProxyUrl = new Uri($"socks5://proxy-user:proxy%20pass@127.0.0.1:{proxy.Port}") };
        var bad = Endpoints.Token(cluster) with { ProxyUrl = new Uri($"socks5://proxy-user:wrong@127.0.0.1:{proxy.Port}") };
        using var goodClient = new ApiServerClient(good);
        using var badClient = new ApiServerClient(bad);

        Assert.True((await goodClient.GetAsync("/version", CancellationToken.None)).IsSuccess);
        var error = await Assert.ThrowsAsync<K8sCommException>(() => badClient.GetAsync("/version", CancellationToken.None));

        Assert.Equal(FailureReason.ForwardProxyFailed, error.Reason);
        Assert.DoesNotContain("wrong", error.Message);
        Assert.Contains($"127.0.0.1:{proxy.Port}", error.Message);
    }

    [Fact]
    public async Task The_probe_handshake_goes_through_the_proxy_too()
    {
        await using var cluster = await StartAsync();
        await using var proxy = new ConnectProxy();

        var result = await ApiServerProber.ProbeAsync(Endpoints.Token(cluster) with { ProxyUrl = proxy.Uri },
            TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.True(result.ChainTrusted);
        Assert.Equal("sandbox-admin", result.Identity?.UserName);
        // tls step, authenticated client, anonymous client: every connection is tunnelled.
        Assert.Equal(3, proxy.Tunnels.Count);
    }

    [Fact]
    public async Task A_proxy_that_refuses_connect_is_ForwardProxyFailed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var refuse = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[1024]); // the CONNECT request, whatever its length
            await stream.WriteAsync("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        });
        var proxy = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        // A name that never resolves: should the proxy be bypassed by mistake, nothing leaves the machine.
        var endpoint = Endpoints.For(new Uri("https://apiserver.invalid:6443"), new EndpointCredentials(), proxy: proxy);

        var error = await Assert.ThrowsAsync<K8sCommException>(() =>
            TlsHandshake.RunAsync(TlsHandshakeRequest.For(endpoint), TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Equal(FailureReason.ForwardProxyFailed, error.Reason);
        Assert.Contains("407", error.Message);
        await refuse;
        listener.Stop();
    }

    [Fact]
    public void The_kubeconfig_proxy_wins_and_loopback_never_uses_an_environment_proxy()
    {
        var explicitProxy = new Uri("http://proxy.example:3128");
        var withProxy = Endpoints.For(new Uri("https://10.0.0.1:6443"), new EndpointCredentials(), proxy: explicitProxy);
        var loopback = Endpoints.For(new Uri("https://127.0.0.1:6443"), new EndpointCredentials());

        Assert.Equal(explicitProxy, ForwardProxy.For(withProxy));
        Assert.Null(ForwardProxy.For(loopback));
    }
}

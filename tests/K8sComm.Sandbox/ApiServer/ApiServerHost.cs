using System.Net;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// Kestrel on 127.0.0.1 (or [::1]) with an OS-chosen port, HTTPS, client certificates requested but optional (they are
/// checked against the cluster CA by the authenticator, as kube-apiserver does). The request handler is
/// attached after start because what it serves mentions the port it runs on.
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile RequestDelegate? _handler;
    private int _handshakes;

    private ApiServerHost(WebApplication app, IPAddress address) => (_app, Address) = (app, address);

    public IPAddress Address { get; }
    public int Port { get; private set; }
    /// <summary>host:port as a URL authority (IPv6 in brackets).</summary>
    public string Authority => new IPEndPoint(Address, Port).ToString();
    public Uri Uri => new($"https://{Authority}");

    /// <summary>TLS handshakes the server has started: one per new client connection.</summary>
    public int TlsHandshakes => Volatile.Read(ref _handshakes);

    /// <param name="configureListener">Hook for connection-level behaviour (fault injection) before TLS.</param>
    /// <param name="configurePipeline">Hook for request middlewares (fault injection) before the API handler.</param>
    /// <param name="address">A loopback address: 127.0.0.1 by default, or ::1.</param>
    public static async Task<ApiServerHost> StartAsync(X509Certificate2 servingCertificate, IPAddress? address = null,
        Action<ListenOptions>? configureListener = null, Action<IApplicationBuilder>? configurePipeline = null,
        CancellationToken cancellationToken = default)
    {
        address ??= IPAddress.Loopback;
        if (!IPAddress.IsLoopback(address)) throw new ArgumentException("The sandbox API server listens on loopback only.", nameof(address));
        ListenOptions? listener = null;
        ApiServerHost? host = null;
        var app = LoopbackHost.Build(kestrel => kestrel.Listen(address, 0, listen =>
        {
            listener = listen;
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            configureListener?.Invoke(listen);
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = servingCertificate,
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                // Accept any certificate at the handshake; the authenticator decides what it proves.
                ClientCertificateValidation = (_, _, _) => true,
                CheckCertificateRevocation = false,
                OnAuthenticate = (_, _) => Interlocked.Increment(ref host!._handshakes),
            });
        }));

        host = new ApiServerHost(app, address);
        configurePipeline?.Invoke(app);
        app.Run(context => host._handler is { } handler
            ? handler(context)
            : ApiResponses.Failure(context, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "the API server is starting"));

        await LoopbackHost.StartAsync(app, cancellationToken);
        host.Port = LoopbackHost.BoundPort(listener!);
        return host;
    }

    public void Attach(RequestDelegate handler) => _handler = handler;

    public ValueTask DisposeAsync() => LoopbackHost.StopAsync(_app);
}

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
/// Kestrel on 127.0.0.1 with an OS-chosen port, HTTPS, client certificates requested but optional (they are
/// checked against the cluster CA by the authenticator, as kube-apiserver does). The request handler is
/// attached after start because what it serves mentions the port it runs on.
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile RequestDelegate? _handler;

    private ApiServerHost(WebApplication app) => _app = app;

    public int Port { get; private set; }
    public Uri Uri => new($"https://127.0.0.1:{Port}");

    /// <param name="configureListener">Hook for connection-level behaviour (fault injection) before TLS.</param>
    /// <param name="configurePipeline">Hook for request middlewares (fault injection) before the API handler.</param>
    public static async Task<ApiServerHost> StartAsync(X509Certificate2 servingCertificate,
        Action<ListenOptions>? configureListener = null, Action<IApplicationBuilder>? configurePipeline = null,
        CancellationToken cancellationToken = default)
    {
        ListenOptions? listener = null;
        var app = LoopbackHost.Build(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
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
            });
        }));

        var host = new ApiServerHost(app);
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

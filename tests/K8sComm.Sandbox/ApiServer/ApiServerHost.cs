using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

    private ApiServerHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public Uri Uri => new($"https://127.0.0.1:{Port}");

    /// <param name="configureListener">Hook for connection-level behaviour (fault injection) before TLS.</param>
    /// <param name="configurePipeline">Hook for request middlewares (fault injection) before the API handler.</param>
    public static async Task<ApiServerHost> StartAsync(X509Certificate2 servingCertificate,
        Action<ListenOptions>? configureListener = null, Action<IApplicationBuilder>? configurePipeline = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
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
            });
        });

        var app = builder.Build();
        ApiServerHost? host = null;
        configurePipeline?.Invoke(app);
        app.Run(context => host?._handler is { } handler
            ? handler(context)
            : ApiResponses.Failure(context, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "the API server is starting"));

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host = new ApiServerHost(app, new Uri(address).Port);
        return host;
    }

    public void Attach(RequestDelegate handler) => _handler = handler;

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}

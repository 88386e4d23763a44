using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace K8sComm.Sandbox.Hosting;

/// <summary>
/// A bare Kestrel host for loopback servers: no configuration files, no logging, no routing, and a short
/// shutdown so a stuck request can't keep a test waiting.
/// </summary>
internal static class LoopbackHost
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    public static WebApplication Build(Action<KestrelServerOptions> listen)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = ListenSockets.CreateBound);
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            listen(options);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        return builder.Build();
    }

    /// <summary>Starts the host; if any listener fails to bind, releases the ones that did before rethrowing.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port the OS gave a listener bound to port 0 (Kestrel writes it back after start).</summary>
    public static int BoundPort(ListenOptions listen) =>
        ((IPEndPoint)listen.EndPoint).Port is var port and > 0
            ? port
            : throw new InvalidOperationException("The listener has not been bound yet.");

    /// <summary>Stops the host (ending every open request and connection) and releases its ports.</summary>
    public static async ValueTask StopAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(ShutdownTimeout * 2);
        try
        {
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}

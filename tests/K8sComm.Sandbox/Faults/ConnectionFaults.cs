using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace K8sComm.Sandbox.Faults;

/// <summary>Faults that act on the raw connection, before TLS or HTTP.</summary>
public static class ConnectionFaults
{
    /// <summary>
    /// Adds a connection middleware that, while <paramref name="planFor"/> says StalledHandshake, accepts
    /// the TCP connection and reads (and ignores) whatever the client sends — its ClientHello included —
    /// without ever answering, until the client closes or the server stops. Call it before UseHttps.
    /// </summary>
    public static ListenOptions UseFaults(this ListenOptions listen, Func<FaultPlan?> planFor)
    {
        listen.Use(next => connection =>
            planFor()?.Mode == FaultMode.StalledHandshake
                ? StallAsync(connection, listen.ApplicationServices)
                : next(connection));
        return listen;
    }

    static async Task StallAsync(ConnectionContext connection, IServiceProvider services)
    {
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? default;
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, stopping, closeRequested);
        var input = connection.Transport.Input;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(stop.Token);
                input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                    return; // the client gave up
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping; returning closes the connection.
        }
    }
}

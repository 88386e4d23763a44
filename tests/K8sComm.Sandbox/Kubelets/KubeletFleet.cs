using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>
/// Many sandbox kubelets in one Kestrel host: one HTTPS listener per kubelet (plus a plain-HTTP one for
/// an open read-only port), each with its own certificate, posture and faults. Requests find their
/// kubelet by the local port they arrived on.
/// </summary>
public sealed class KubeletFleet : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly KubeletCertificateAuthority _authority;
    readonly FrozenDictionary<string, SandboxKubelet> _byName;

    KubeletFleet(WebApplication app, KubeletCertificateAuthority authority, IReadOnlyList<SandboxKubelet> kubelets)
    {
        _app = app;
        _authority = authority;
        Kubelets = kubelets;
        _byName = kubelets.ToFrozenDictionary(k => k.NodeName, StringComparer.Ordinal);
    }

    /// <summary>The kubelets, in the order of <see cref="KubeletFleetOptions.Specs"/>.</summary>
    public IReadOnlyList<SandboxKubelet> Kubelets { get; }

    /// <summary>The CA that signed the WrongCa kubelets' certificates: one the cluster does not trust.</summary>
    public X509Certificate2 UntrustedCa => _authority.UntrustedCa;

    /// <summary>The kubelet of a node, or null.</summary>
    public SandboxKubelet? Find(string nodeName) => _byName.GetValueOrDefault(nodeName);

    /// <summary>Starts every kubelet on 127.0.0.1, on ports the OS picks.</summary>
    public static async Task<KubeletFleet> StartAsync(KubeletFleetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.ClusterCa.HasPrivateKey)
            throw new ArgumentException("The cluster CA must carry its private key: it signs the kubelets' certificates.", nameof(options));
        // Kestrel with no listen call binds its default port 5000: refuse rather than surprise.
        if (options.Specs.Count == 0)
            throw new ArgumentException("A fleet needs at least one kubelet.", nameof(options));
        var duplicate = options.Specs.GroupBy(s => s.NodeName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Node name '{duplicate.Key}' appears more than once.", nameof(options));

        var authority = new KubeletCertificateAuthority(options.ClusterCa);
        var identity = new KubeletIdentity(options.ClusterCa);
        var kubelets = options.Specs.Select(s => new SandboxKubelet(s.NodeName, s.Posture, authority.Issue)).ToArray();
        var listeners = new List<(SandboxKubelet Kubelet, ListenOptions Listen, bool ReadOnly)>(kubelets.Length);
        FrozenDictionary<int, (SandboxKubelet Kubelet, bool ReadOnly)>? byPort = null;

        var app = LoopbackHost.Build(kestrel =>
        {
            foreach (var kubelet in kubelets)
            {
                var faults = kubelet.Posture.Faults;
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listeners.Add((kubelet, listen, false));
                    if (faults is not null)
                        listen.UseFaults(() => faults);
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = _ => ValueTask.FromResult(kubelet.Credentials.TlsOptions),
                    });
                });
                if (kubelet.Posture.ReadOnlyPort)
                {
                    kestrel.Listen(IPAddress.Loopback, 0, listen =>
                    {
                        listeners.Add((kubelet, listen, true));
                        if (faults is not null)
                            listen.UseFaults(() => faults);
                    });
                }
            }
        });
        app.Run(context =>
        {
            if (byPort is null || !byPort.TryGetValue(context.Connection.LocalPort, out var target))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }
            return HttpFaults.ApplyAsync(context, target.Kubelet.Posture.Faults, () => target.ReadOnly
                ? KubeletApi.ServeReadOnlyAsync(context, target.Kubelet)
                : KubeletApi.ServeSecureAsync(context, target.Kubelet, identity));
        });

        try
        {
            await LoopbackHost.StartAsync(app, cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TooManyOpenSockets)
        {
            throw new InvalidOperationException(
                $"Starting {kubelets.Length} kubelets needs {listeners.Count} listening sockets, more than this process may open; raise the limit (ulimit -n).", ex);
        }

        foreach (var (kubelet, listen, readOnly) in listeners)
        {
            var port = LoopbackHost.BoundPort(listen);
            if (readOnly) kubelet.ReadOnlyPort = port;
            else kubelet.Port = port;
        }
        byPort = listeners.ToFrozenDictionary(l => LoopbackHost.BoundPort(l.Listen), l => (l.Kubelet, l.ReadOnly));
        return new KubeletFleet(app, authority, kubelets);
    }

    /// <summary>Stops every kubelet, ends their open connections and frees every port.</summary>
    public ValueTask DisposeAsync() => LoopbackHost.StopAsync(_app);
}

using System.Net;
using K8sComm.Core.Discovery;

namespace K8sComm.Core.Transport;

/// <summary>
/// The forward proxy a connection goes through on its way to a server (not to be confused with the API
/// server's proxy verb, see <c>ApiProxy</c>), by client-go's rules: the kubeconfig's proxy-url if set,
/// else HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment, and never one for a loopback host.
/// </summary>
public static class ForwardProxy
{
    public static Uri? For(ResolvedEndpoint endpoint) => For(endpoint.Server, endpoint.ProxyUrl);

    /// <param name="configured">A proxy the configuration names explicitly (proxy-url); it always wins.</param>
    public static Uri? For(Uri server, Uri? configured = null)
    {
        if (configured is not null)
            return configured;
        if (server.IsLoopback)
            return null;
        var proxy = HttpClient.DefaultProxy;
        return proxy.IsBypassed(server) ? null : proxy.GetProxy(server);
    }
}

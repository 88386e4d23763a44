using System.Net;
using K8sComm.Core.Discovery;

namespace K8sComm.Core.Tls;

/// <summary>
/// Which proxy a connection to an endpoint goes through, by client-go's rules: the kubeconfig's
/// proxy-url if set, else HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment, and never a proxy
/// for a loopback host.
/// </summary>
public static class ProxySelector
{
    public static Uri? For(ResolvedEndpoint endpoint)
    {
        if (endpoint.ProxyUrl is not null)
            return endpoint.ProxyUrl;
        if (endpoint.Server.IsLoopback)
            return null;
        var proxy = HttpClient.DefaultProxy;
        return proxy.IsBypassed(endpoint.Server) ? null : proxy.GetProxy(endpoint.Server);
    }
}

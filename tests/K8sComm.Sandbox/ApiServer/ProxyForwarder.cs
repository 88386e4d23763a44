using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// The proxy verb: forwards a request to a loopback backend and streams the answer back. Like the real API
/// server it does not verify pod or service HTTPS backends; kubelets are verified only when the posture sets
/// --kubelet-certificate-authority. The kubelet client certificate goes to kubelets only, and credentials meant
/// for the API server are not passed on.
/// </summary>
public sealed class ProxyForwarder : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Authorization", "Impersonate-User", "Impersonate-Group",
    };

    private readonly HttpClient _workloads;
    private readonly HttpClient _kubelets;

    /// <param name="kubeletCertificateAuthority">The CA kubelet serving certificates must chain to; null = not verified.</param>
    public ProxyForwarder(X509Certificate2 kubeletClientCertificate, X509Certificate2? kubeletCertificateAuthority)
    {
        _workloads = new HttpClient(NewHandler(null, null), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _kubelets = new HttpClient(NewHandler(kubeletClientCertificate, kubeletCertificateAuthority), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task ForwardAsync(HttpContext context, ProxyTarget target, string remainder, bool toKubelet)
    {
        var uri = new Uri($"{target.Scheme}://127.0.0.1:{target.Port}/{remainder}{context.Request.QueryString}");
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), uri);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name) || name.StartsWith(':')) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        HttpResponseMessage response;
        try
        {
            var client = toKubelet ? _kubelets : _workloads;
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            var what = toKubelet ? "the kubelet" : "service";
            await ApiResponses.Failure(context, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable",
                $"error trying to reach {what}: {e.Message}");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers, context.Response.Headers);
            CopyHeaders(response.Content.Headers, context.Response.Headers);
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            try
            {
                await body.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The backend broke off mid-body; the client must see a broken response too, not a short one.
                context.Abort();
            }
        }
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (!HopByHop.Contains(name)) to[name] = values.ToArray();
        }
    }

    private static SocketsHttpHandler NewHandler(X509Certificate2? clientCertificate, X509Certificate2? trustedAuthority) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                trustedAuthority is null || IsTrusted(certificate, errors, trustedAuthority),
            ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
        },
    };

    private static bool IsTrusted(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2 authority)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        _workloads.Dispose();
        _kubelets.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using K8sComm.Core.Discovery;

namespace K8sComm.Core.Api;

/// <summary>
/// One <see cref="ApiServerClient"/> per API server identity, shared by every command of a session, so
/// repeated calls reuse pooled connections and their TLS sessions instead of a handshake each. The
/// identity is everything that decides where a request goes and how it is trusted and signed: server,
/// tls-server-name, forward proxy, skip-verify, the CA bytes, the credentials (as digests, never kept in
/// clear) and the client options. Clients live as long as the pool; idle connections close on their own.
/// Thread-safe.
/// </summary>
public sealed class ApiServerClientPool : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ApiServerClient>> _clients = new(StringComparer.Ordinal);

    /// <summary>The process-wide pool (a PowerShell session's commands share it).</summary>
    public static ApiServerClientPool Shared { get; } = new();

    public int Count => _clients.Count;

    /// <exception cref="K8sCommException">CertificateDataInvalid when the endpoint's CA data can't be read.</exception>
    public ApiServerClient ClientFor(ResolvedEndpoint endpoint, ApiServerClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new ApiServerClientOptions();
        var lazy = _clients.GetOrAdd(KeyOf(endpoint, options), _ => new Lazy<ApiServerClient>(() => new ApiServerClient(endpoint, options)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A client that could not be built (an unreadable CA) is not remembered: the next call tries again.
            _clients.TryRemove(new KeyValuePair<string, Lazy<ApiServerClient>>(KeyOf(endpoint, options), lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
            client.Value.Dispose();
        _clients.Clear();
    }

    private static string KeyOf(ResolvedEndpoint endpoint, ApiServerClientOptions options)
    {
        var credentials = endpoint.Credentials;
        var key = new StringBuilder()
            .Append(endpoint.Server.AbsoluteUri).Append('|')
            .Append(endpoint.TlsServerName).Append('|')
            .Append(endpoint.ProxyUrl?.AbsoluteUri).Append('|')
            .Append(endpoint.InsecureSkipTlsVerify).Append('|')
            .Append(Digest(credentials.CertificateAuthorityData)).Append('|')
            .Append(credentials.BearerTokenFile).Append('|')
            .Append(Digest(credentials.BearerToken)).Append('|')
            .Append(credentials.HasClientCertificate ? Digest(credentials.ClientCertificate?.RawData) : "").Append('|')
            .Append(Digest(credentials.Exec?.Identity)).Append('|')
            .Append(credentials.BasicUserName).Append('|')
            .Append(Digest(credentials.BasicPassword)).Append('|')
            .Append(options.AllowUnencryptedAuthentication).Append(options.Anonymous).Append(options.AcceptAnyServerCertificate)
            .Append('|').Append(options.ConnectTimeout.Ticks).Append('|').Append(options.MaxResponseBytes);
        return key.ToString();
    }

    private static string Digest(string? secret) => secret is null ? "" : Digest(Encoding.UTF8.GetBytes(secret));

    private static string Digest(byte[]? bytes) => bytes is null ? "" : Convert.ToHexString(SHA256.HashData(bytes));
}

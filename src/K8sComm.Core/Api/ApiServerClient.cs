using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using K8sComm.Core.Discovery;
using K8sComm.Core.IO;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Api;

/// <summary>An API server's answer, read in full: its code and body.</summary>
public sealed record ApiResponse(HttpStatusCode StatusCode, string? ReasonPhrase, string Body, string Path)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    public ApiStatusException ToException() => ApiStatusException.FromResponse((int)StatusCode, ReasonPhrase, Body, Path);

    /// <summary>The body as one of KubernetesClient's typed models, or <see cref="FailureReason.ResponseInvalid"/>.</summary>
    public T ReadAs<T>() where T : class
    {
        try
        {
            return k8s.KubernetesJson.Deserialize<T>(Body)
                ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new K8sCommException(FailureReason.ResponseInvalid,
                $"The response to {Path} is not valid JSON for {typeof(T).Name} ({e.Message}).", Path, innerException: e);
        }
    }

    /// <summary>The body as JSON, or <see cref="FailureReason.ResponseInvalid"/>.</summary>
    public JsonDocument ParseJson()
    {
        try
        {
            return JsonDocument.Parse(Body);
        }
        catch (JsonException e)
        {
            throw new K8sCommException(FailureReason.ResponseInvalid,
                $"The response to {Path} is not valid JSON ({e.Message}).", Path, innerException: e);
        }
    }
}

/// <summary>
/// One HTTP client per API server endpoint, with the endpoint's own TLS and authentication settings:
/// the certificate is checked against the endpoint's CA (the system store when it has none) and the
/// name against tls-server-name or the host, by <see cref="ServerTrustPolicy"/>; the check is skipped
/// only when the endpoint says insecure-skip-tls-verify. It authenticates with the client certificate,
/// a bearer token (a token file is read for every request, as it may rotate) or basic credentials, and
/// goes through the endpoint's proxy-url. Thread-safe; dispose it to close its connections.
/// </summary>
/// <remarks>
/// TCP, proxy and TLS are done here, in the handler's connect callback, and the handler itself speaks
/// plain HTTP/1.1 over the stream it is given. That is what lets the client send tls-server-name as SNI
/// while keeping the server's own host in the Host header, as Go clients do, and reach the server through
/// the same code path the handshake probe uses.
/// </remarks>
public sealed class ApiServerClient : IDisposable
{
    private static readonly string UserAgent =
        $"K8sComm/{typeof(ApiServerClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"}";

    private readonly ApiServerClientOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly bool _tls;
    private readonly ServerTrustPolicy? _trust;
    private readonly Uri? _proxy;
    private readonly string _host;

    /// <exception cref="K8sCommException">CertificateDataInvalid when the endpoint's CA data can't be read.</exception>
    public ApiServerClient(ResolvedEndpoint endpoint, ApiServerClientOptions? options = null)
        : this(endpoint, options, trust: null)
    {
    }

    /// <param name="trust">The endpoint's trust policy when the caller already has it (the prober does),
    /// so its verdict for the same certificate is reused.</param>
    internal ApiServerClient(ResolvedEndpoint endpoint, ApiServerClientOptions? options, ServerTrustPolicy? trust)
    {
        _options = options ?? new ApiServerClientOptions();
        if (_options.AcceptAnyServerCertificate && !_options.Anonymous)
            throw new ArgumentException("Accepting any server certificate is allowed only for anonymous clients.", nameof(options));

        Endpoint = endpoint;
        _tls = string.Equals(endpoint.Server.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        _trust = _tls ? trust ?? TrustPolicyFor(endpoint, _options) : null;
        _proxy = ProxySelector.For(endpoint);
        _host = ServerConnection.UnbracketedHost(endpoint.Server);

        var path = endpoint.Server.AbsolutePath.EndsWith('/') ? endpoint.Server.AbsolutePath : endpoint.Server.AbsolutePath + "/";
        _baseUri = new UriBuilder(Uri.UriSchemeHttp, endpoint.Server.Host, endpoint.Server.Port, path).Uri;

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            ConnectTimeout = _options.ConnectTimeout,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        };
        _http = new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = _options.MaxResponseBytes,
        };
    }

    public ResolvedEndpoint Endpoint { get; }

    /// <summary>The server URL for messages: any user-info (which could hold a password) removed.</summary>
    private string PrintableServer => new UriBuilder(Endpoint.Server) { UserName = "", Password = "" }.Uri.ToString();

    // A client that accepts any certificate only looks, so an unreadable CA need not stop it.
    private static ServerTrustPolicy? TrustPolicyFor(ResolvedEndpoint endpoint, ApiServerClientOptions options)
    {
        try
        {
            return ServerTrustPolicy.For(endpoint);
        }
        catch (K8sCommException) when (options.AcceptAnyServerCertificate)
        {
            return null;
        }
    }

    /// <summary>What the most recent new TLS connection found; null before the first one, over http,
    /// and for a client that accepts any certificate.</summary>
    public ServerTrustVerdict? LastServerTrust { get; private set; }

    /// <summary>Whether this client would send credentials (it has some and is not anonymous).</summary>
    public bool SendsCredentials => !_options.Anonymous &&
        (Endpoint.Credentials.HasClientCertificate || Endpoint.Credentials.HasBearerToken || Endpoint.Credentials.HasBasic);

    public async Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);

    public async Task<ApiResponse> PostJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Post, path, json, cancellationToken).ConfigureAwait(false);

    /// <summary>GET and parse; an error status becomes an <see cref="ApiStatusException"/>.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        var response = await GetAsync(path, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response.ParseJson() : throw response.ToException();
    }

    /// <summary>GET a typed model; an error status becomes an <see cref="ApiStatusException"/>.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        var response = await GetAsync(path, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response.ReadAs<T>() : throw response.ToException();
    }

    /// <summary>POST a typed model and read the typed answer; an error status becomes an <see cref="ApiStatusException"/>.</summary>
    public async Task<T> CreateAsync<T>(string path, T body, CancellationToken cancellationToken) where T : class
    {
        var response = await PostJsonAsync(path, k8s.KubernetesJson.Serialize(body), cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response.ReadAs<T>() : throw response.ToException();
    }

    /// <summary>Sends a request and reads the whole answer (bounded by MaxResponseBytes).</summary>
    /// <param name="path">Relative to the server URL, e.g. <c>/api/v1/namespaces</c> or <c>version</c>.</param>
    /// <exception cref="K8sCommException">Transport, TLS, proxy or authentication-policy failures; never an HTTP status.</exception>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUri, path.TrimStart('/')));
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var printablePath = "/" + path.TrimStart('/').Split('?')[0];

        try
        {
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new ApiResponse(response.StatusCode, response.ReasonPhrase, body, printablePath);
        }
        catch (HttpRequestException e) when (e.InnerException is K8sCommException inner)
        {
            // Raised by our own connect code (untrusted certificate, proxy, handshake): pass it on as is.
            throw inner;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new K8sCommException(FailureReason.Timeout,
                $"No connection to {PrintableServer} within {_options.ConnectTimeout.TotalSeconds:0.###} s.", PrintableServer, innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw Translate(e, printablePath);
        }
        catch (IOException e)
        {
            throw new K8sCommException(FailureReason.ResponseInvalid,
                $"The response to {printablePath} from {PrintableServer} broke off: {e.Message}", printablePath, innerException: e);
        }
    }

    /// <summary>The raw send: adds credentials (or refuses to, over plain http) and the user agent.
    /// The request URI must be relative to the server, or built from <see cref="RequestUri"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: false } relative)
            request.RequestUri = new Uri(_baseUri, relative.OriginalString.TrimStart('/'));
        if (request.Headers.UserAgent.Count == 0)
            request.Headers.UserAgent.ParseAdd(UserAgent);
        if (request.Headers.Accept.Count == 0)
            request.Headers.Accept.ParseAdd("application/json");
        await AddAuthorizationAsync(request, cancellationToken).ConfigureAwait(false);
        return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The absolute URI this client uses for a server path (its scheme is http by design:
    /// TLS is done by the client's own connection code).</summary>
    public Uri RequestUri(string path) => new(_baseUri, path.TrimStart('/'));

    public void Dispose() => _http.Dispose();

    private async Task AddAuthorizationAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_options.Anonymous)
            return;

        var credentials = Endpoint.Credentials;
        var token = await ReadTokenAsync(credentials, cancellationToken).ConfigureAwait(false);
        var basic = token is null && credentials.BasicUserName is not null;
        if ((token is not null || basic) && !_tls && !_options.AllowUnencryptedAuthentication)
        {
            throw new K8sCommException(FailureReason.UnencryptedAuthentication,
                $"Refusing to send {(basic ? "basic credentials" : "a bearer token")} to {PrintableServer} over plain http; " +
                "use https, or allow unencrypted authentication explicitly.", PrintableServer,
                [PrintableServer, basic ? "basic" : "token"]);
        }

        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        else if (basic)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.BasicUserName}:{credentials.BasicPassword}")));
    }

    /// <summary>The token file wins over an inline token, as in client-go; it is read on every request.</summary>
    private static async Task<string?> ReadTokenAsync(EndpointCredentials credentials, CancellationToken cancellationToken)
    {
        if (credentials.BearerTokenFile is { } file)
        {
            try
            {
                var token = (await LocalFile.ReadAllTextAsync(file, LocalFileKind.Token, cancellationToken).ConfigureAwait(false)).Trim();
                if (token.Length > 0)
                    return token;
            }
            catch (LocalFileException e)
            {
                throw new K8sCommException(FailureReason.TokenFileUnreadable,
                    $"The token file {e.Message}.", file, [file], e);
            }
            if (credentials.BearerToken is null)
                throw new K8sCommException(FailureReason.TokenFileUnreadable, $"The token file '{file}' is empty.", file, [file]);
        }
        return string.IsNullOrEmpty(credentials.BearerToken) ? null : credentials.BearerToken;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var clientCertificate = _options.Anonymous ? null : Endpoint.Credentials.ClientCertificate;
        for (var attempt = 1; ; attempt++)
        {
            var stream = await ServerConnection.OpenAsync(_host, Endpoint.Port, _proxy, cancellationToken).ConfigureAwait(false);
            if (!_tls)
                return stream;

            var (tls, presentedLater) = await HandshakeAsync(stream, clientCertificate, cancellationToken).ConfigureAwait(false);
            if (!presentedLater || attempt > 1)
                return tls;

            // The server asked for the client certificate before it was known to be trusted. Now it is:
            // connect again and present it.
            await tls.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One TLS handshake. Like Go clients, the client certificate goes only to a server already known to
    /// be trusted (.NET would otherwise send it before judging the server). Returns whether a certificate
    /// was held back from a server that then verified.
    /// </summary>
    private async Task<(SslStream Tls, bool HeldBack)> HandshakeAsync(Stream stream, X509Certificate2? clientCertificate,
        CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        ServerTrustVerdict? verdict = null;
        var heldBack = false;

        bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // A client that accepts anything only looks; judging would be wasted work.
            if (_trust is null || _options.AcceptAnyServerCertificate)
                return _options.AcceptAnyServerCertificate;
            verdict = _trust.Evaluate(certificate, chain, _options.TimeProvider.GetUtcNow());
            LastServerTrust = verdict;
            return verdict.Trusted;
        }

        // Null means "no certificate" to SslStream, though the delegate isn't annotated to say so.
        X509Certificate Select(object sender, string targetHost, X509CertificateCollection local, X509Certificate? remote, string[] issuers)
        {
            if (remote is null)
                return null!; // asked before the server has shown anything
            if (_trust is not null && _trust.IsKnownTrusted(remote, _options.TimeProvider.GetUtcNow()))
                return clientCertificate!;
            heldBack = true;
            return null!;
        }

        var request = new TlsHandshakeRequest(_host, Endpoint.Port)
        {
            ServerName = _trust?.ServerName ?? ServerTrustPolicy.ServerNameOf(Endpoint),
            ApplicationProtocols = ["http/1.1"],
        };
        try
        {
            await TlsHandshake.AuthenticateAsync(tls, request, Validate, cancellationToken,
                clientCertificate is null ? null : Select).ConfigureAwait(false);
            return (tls, heldBack && verdict is { Trusted: true });
        }
        catch (K8sCommException e) when (verdict is { Trusted: false })
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new K8sCommException(FailureReason.ServerCertificateUntrusted,
                $"The certificate of {PrintableServer} is not trusted ({verdict.Problem}); nothing was sent.",
                PrintableServer, [PrintableServer, verdict.Problem ?? ""], e);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private K8sCommException Translate(HttpRequestException e, string path) => e.HttpRequestError switch
    {
        HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError => new K8sCommException(
            FailureReason.ServerUnreachable, $"Can't reach {PrintableServer}: {e.Message}", PrintableServer, innerException: e),
        HttpRequestError.ConfigurationLimitExceeded => new K8sCommException(FailureReason.ResponseInvalid,
            $"The response to {path} is larger than {_options.MaxResponseBytes} bytes.", path, innerException: e),
        _ => new K8sCommException(FailureReason.ResponseInvalid,
            $"The request to {path} on {PrintableServer} failed: {e.Message}", path, innerException: e),
    };
}

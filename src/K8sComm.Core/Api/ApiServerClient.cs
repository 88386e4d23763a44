using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using K8sComm.Core.Credentials;
using K8sComm.Core.Discovery;
using K8sComm.Core.IO;
using K8sComm.Core.Tls;
using K8sComm.Core.Transport;

namespace K8sComm.Core.Api;

/// <summary>An API server's answer, read in full: its code and body.</summary>
public sealed record ApiResponse(HttpStatusCode StatusCode, string? ReasonPhrase, string Body, string Path)
{
    internal static ApiResponse From(HttpReply reply) => new(reply.StatusCode, reply.ReasonPhrase, reply.Body, reply.Path);

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
/// only when the endpoint says insecure-skip-tls-verify. Connections (TCP, forward proxy, TLS) are
/// <see cref="ServerHttpClient"/>'s; this class adds what an API server wants on top: a bearer token or
/// basic credentials, refused over plain http. A token file rotates: it is read again when it changes, at
/// least every minute, and after a 401, when a request that can be sent again is retried once with the new
/// token (see <see cref="BearerTokenSource"/>), so a long-running session outlives its tokens.
/// Thread-safe; dispose it to close its connections.
/// </summary>
public sealed class ApiServerClient : IDisposable
{
    private static readonly string UserAgent =
        $"K8sComm/{typeof(ApiServerClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"}";

    private readonly ApiServerClientOptions _options;
    private readonly ServerHttpClient _http;
    private readonly BearerTokenSource? _token;

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
        _token = _options.Anonymous ? null : BearerTokenSource.For(endpoint.Credentials, _options.TimeProvider);
        var target = new ServerTarget
        {
            Server = endpoint.Server,
            ServerName = ServerTrustPolicy.ServerNameOf(endpoint),
            ForwardProxy = ForwardProxy.For(endpoint),
            AcceptAnyServerCertificate = _options.AcceptAnyServerCertificate,
            // A client that accepts any certificate only looks, so an unreadable CA need not stop it.
            Trust = _options.AcceptAnyServerCertificate ? null : trust ?? ServerTrustPolicy.For(endpoint),
            ClientCertificate = _options.Anonymous ? null : endpoint.Credentials.ClientCertificateAsync,
        };
        _http = new ServerHttpClient(target, new ServerHttpOptions
        {
            ConnectTimeout = _options.ConnectTimeout,
            MaxResponseBytes = _options.MaxResponseBytes,
            TimeProvider = _options.TimeProvider,
        });
    }

    public ResolvedEndpoint Endpoint { get; }

    /// <summary>What the most recent new TLS connection found; null before the first one, over http,
    /// and for a client that accepts any certificate.</summary>
    public ServerTrustVerdict? LastServerTrust => _http.LastServerTrust;

    /// <summary>Every chain the server presented to this client's connections.</summary>
    public PresentedCertificates Presented => _http.Presented;

    /// <summary>TLS handshakes this client has made: one per new pooled connection.</summary>
    public int Handshakes => _http.Handshakes;

    /// <summary>How many times the token file has been read (0 for an inline token).</summary>
    public int TokenFileReads => _token?.FileReads ?? 0;

    /// <summary>Whether this client would send credentials (it has some and is not anonymous).</summary>
    public bool SendsCredentials => !_options.Anonymous && Endpoint.Credentials.HasAny;

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
        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(method, RequestUri(path));
            if (json is not null)
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            return request;
        }

        using var request = Build();
        var used = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var reply = await _http.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (reply.StatusCode == HttpStatusCode.Unauthorized && await RenewedAsync(used, cancellationToken).ConfigureAwait(false) is { } renewed)
        {
            using var retry = Build();
            await PrepareAsync(retry, cancellationToken, renewed).ConfigureAwait(false);
            reply = await _http.ReadAsync(retry, cancellationToken).ConfigureAwait(false);
        }
        return ApiResponse.From(reply);
    }

    /// <summary>Sends a user's call and reads the whole answer, whatever its status.</summary>
    public async Task<ApiResponse> SendAsync(ApiCall call, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(call, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        // The content is buffered already (ResponseContentRead), so this does not touch the network.
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new ApiResponse(response.StatusCode, response.ReasonPhrase, body, call.Path);
    }

    /// <summary>Sends a user's call; with <see cref="HttpCompletionOption.ResponseHeadersRead"/> the body is
    /// left to stream (a watch, a download). The caller disposes the response.</summary>
    public Task<HttpResponseMessage> SendAsync(ApiCall call, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var request = new HttpRequestMessage(call.Method, RequestUri(call.PathAndQuery));
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(call.ContentType);
        }
        return SendAsync(request, completion, cancellationToken);
    }

    /// <summary>The raw send: adds credentials (or refuses to, over plain http) and the user agent.
    /// The request URI must be relative to the server, or built from <see cref="RequestUri"/>. After a 401
    /// to a token the file has since replaced, a request with no body or a buffered one is sent once more.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: false } relative)
            request.RequestUri = RequestUri(relative.OriginalString);
        var used = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !IsReplayable(request))
            return response;
        if (await RenewedAsync(used, cancellationToken).ConfigureAwait(false) is not { } renewed)
            return response;

        response.Dispose();
        // Not disposed here: it shares the content with the caller's request, which the caller disposes.
        var retry = CopyOf(request);
        await PrepareAsync(retry, cancellationToken, renewed).ConfigureAwait(false);
        return await _http.SendAsync(retry, completion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The absolute URI this client uses for a server path (its scheme is http by design:
    /// TLS is done by the client's own connection code).</summary>
    public Uri RequestUri(string path) => _http.RequestUri(path);

    public void Dispose() => _http.Dispose();

    /// <returns>The bearer credential the request carries (a token or a plugin's), to renew after a 401.</returns>
    private async Task<SentCredential> PrepareAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        SentCredential? renewed = null)
    {
        if (request.Headers.UserAgent.Count == 0)
            request.Headers.UserAgent.ParseAdd(UserAgent);
        if (request.Headers.Accept.Count == 0)
            request.Headers.Accept.ParseAdd("application/json");
        return await AddAuthorizationAsync(request, renewed, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SentCredential> AddAuthorizationAsync(HttpRequestMessage request, SentCredential? renewed,
        CancellationToken cancellationToken)
    {
        if (_options.Anonymous)
            return default;

        var credentials = Endpoint.Credentials;
        // A certificate or key that can't be read would otherwise mean a request with no identity at all.
        if (credentials.Unusable is { Field: var field, Path: var file, Problem: var problem } && !field.EndsWith(".tokenFile", StringComparison.Ordinal))
            throw CertificateMaterial.Invalid(field, $"cannot be read: '{file}' {problem}");
        var lease = renewed is null ? _token is null ? null : await _token.GetAsync(cancellationToken).ConfigureAwait(false) : renewed.Value.Token;
        // A plugin is asked only when nothing else gives a token (client-go: the token wins over exec).
        var fromPlugin = renewed is null
            ? lease is null && credentials.Exec is { } plugin ? await plugin.GetAsync(cancellationToken).ConfigureAwait(false) : null
            : renewed.Value.Exec;
        var token = lease?.Token ?? fromPlugin?.Token;
        var basic = token is null && credentials.BasicUserName is not null;
        if ((token is not null || basic) && !_http.Target.IsTls && !_options.AllowUnencryptedAuthentication)
        {
            var server = _http.Target.Printable;
            throw new K8sCommException(FailureReason.UnencryptedAuthentication,
                $"Refusing to send {(basic ? "basic credentials" : "a bearer token")} to {server} over plain http; " +
                "use https, or allow unencrypted authentication explicitly.", server,
                [server, basic ? "basic" : "token"]);
        }

        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        else if (basic)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.BasicUserName}:{credentials.BasicPassword}")));
        return new SentCredential(lease, fromPlugin);
    }

    /// <summary>
    /// After a 401, the credential to retry with, once: a plugin's is run for afresh (as client-go does); a
    /// token file is read again, and only a token different from the refused one is worth a retry. Null
    /// when retrying would only be refused the same way.
    /// </summary>
    private async Task<SentCredential?> RenewedAsync(SentCredential refused, CancellationToken cancellationToken)
    {
        if (refused.Exec is { } rejected && Endpoint.Credentials.Exec is { } plugin)
        {
            plugin.Invalidate(rejected);
            return new SentCredential(null, await plugin.GetAsync(cancellationToken).ConfigureAwait(false));
        }
        if (refused.Token is not { } lease || _token is not { Rotates: true })
            return null;
        _token.Reset(lease);
        var fresh = await _token.GetAsync(cancellationToken).ConfigureAwait(false);
        return fresh.Token == lease.Token ? null : new SentCredential(fresh, null);
    }

    /// <summary>What a request carried: a token (inline or from the file) or a plugin's credential.</summary>
    private readonly record struct SentCredential(TokenLease? Token, ExecCredential? Exec)
    {
        public override string ToString() => "bearer credential (redacted)";
    }

    /// <summary>No body, or one held in memory: it can go out again unchanged.</summary>
    private static bool IsReplayable(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReadOnlyMemoryContent;

    private static HttpRequestMessage CopyOf(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version };
        foreach (var (name, values) in request.Headers)
        {
            if (!string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
                copy.Headers.TryAddWithoutValidation(name, values);
        }
        return copy;
    }
}

using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Transport;

/// <summary>How a <see cref="ServerHttpClient"/> connects and how much it reads.</summary>
public sealed record ServerHttpOptions
{
    /// <summary>Bounds TCP connect, forward-proxy tunnel and TLS handshake of each new connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Responses read whole that are larger than this fail with <see cref="FailureReason.ResponseInvalid"/>.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024 * 1024;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>An answer read in full: its code and body (and the path asked, without the query).</summary>
public sealed record HttpReply(HttpStatusCode StatusCode, string? ReasonPhrase, string Body, string Path);

/// <summary>
/// HTTP to one <see cref="ServerTarget"/> over connections this class opens itself: TCP (through the
/// forward proxy when there is one), then TLS judged by the target's <see cref="ServerTrustPolicy"/>.
/// It adds no credentials beyond the client certificate; <c>Api.ApiServerClient</c> layers those on top.
/// Thread-safe; connections are pooled; dispose it to close them.
/// </summary>
/// <remarks>
/// The handler itself speaks plain HTTP/1.1 over the stream the connect callback returns. That lets the
/// client send tls-server-name as SNI while keeping the server's own host in the Host header, as Go
/// clients do, and makes what a handshake probe sees the same path the client takes.
/// </remarks>
public sealed class ServerHttpClient : IDisposable
{
    private readonly ServerHttpOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private int _handshakes;

    public ServerHttpClient(ServerTarget target, ServerHttpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.IsTls && target.Trust is null && !target.AcceptAnyServerCertificate)
            throw new ArgumentException("A TLS target needs a trust policy, or to accept any certificate explicitly.", nameof(target));
        if (target.AcceptAnyServerCertificate && target.ClientCertificate is not null)
            throw new ArgumentException("A client certificate never goes to a server that is not judged.", nameof(target));

        Target = target;
        _options = options ?? new ServerHttpOptions();
        var path = target.Server.AbsolutePath.EndsWith('/') ? target.Server.AbsolutePath : target.Server.AbsolutePath + "/";
        _baseUri = new UriBuilder(Uri.UriSchemeHttp, target.Server.Host, target.Server.Port, path).Uri;

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

    public ServerTarget Target { get; }

    /// <summary>What the most recent new TLS connection found; null before the first one, over http,
    /// and for a target that accepts any certificate.</summary>
    public ServerTrustVerdict? LastServerTrust { get; private set; }

    /// <summary>Every chain the server presented to this client's connections, judged or not.</summary>
    public PresentedCertificates Presented { get; } = new();

    /// <summary>TLS handshakes completed so far: one per new connection (a pooled one is reused).</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>The absolute URI used for a server path (its scheme is http by design: TLS is done by
    /// this class's own connection code).</summary>
    public Uri RequestUri(string path) => new(_baseUri, path.TrimStart('/'));

    /// <summary>Sends a request as is. A relative request URI is resolved against the server.</summary>
    /// <exception cref="K8sCommException">Transport, forward-proxy and TLS failures; never an HTTP status.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: false } relative)
            request.RequestUri = RequestUri(relative.OriginalString);
        var path = request.RequestUri!.AbsolutePath;
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Sends a request and reads the whole answer (bounded by MaxResponseBytes).</summary>
    /// <exception cref="K8sCommException">Transport, forward-proxy and TLS failures; never an HTTP status.</exception>
    public async Task<HttpReply> ReadAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var path = request.RequestUri!.AbsolutePath;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new HttpReply(response.StatusCode, response.ReasonPhrase, body, path);
        }
        catch (Exception e) when (Translate(e, path, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var clientCertificate = Target.ClientCertificate is { } provide ? await provide(cancellationToken).ConfigureAwait(false) : null;
        for (var attempt = 1; ; attempt++)
        {
            var stream = await TcpConnector.OpenAsync(Target.Host, Target.Port, Target.ForwardProxy, cancellationToken).ConfigureAwait(false);
            if (!Target.IsTls)
                return stream;

            var (tls, heldBack) = await HandshakeAsync(stream, clientCertificate, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _handshakes);
            if (!heldBack || attempt > 1)
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
        var trust = Target.AcceptAnyServerCertificate ? null : Target.Trust;
        ServerTrustVerdict? verdict = null;
        var heldBack = false;

        bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // A client that accepts anything only looks; judging would be wasted work.
            if (trust is null)
            {
                Presented.Add(certificate, chain, null);
                return true;
            }
            verdict = trust.Evaluate(certificate, chain, _options.TimeProvider.GetUtcNow());
            LastServerTrust = verdict;
            Presented.Add(certificate, chain, verdict);
            return verdict.Trusted;
        }

        // Null means "no certificate" to SslStream, though the delegate isn't annotated to say so.
        X509Certificate Select(object sender, string targetHost, X509CertificateCollection local, X509Certificate? remote, string[] issuers)
        {
            if (remote is null)
                return null!; // asked before the server has shown anything
            if (trust is not null && trust.IsKnownTrusted(remote, _options.TimeProvider.GetUtcNow()))
                return clientCertificate!;
            heldBack = true;
            return null!;
        }

        var request = new TlsHandshakeRequest(Target.Host, Target.Port)
        {
            ServerName = Target.ServerName ?? trust?.ServerName ?? Target.Host,
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
                $"The certificate of {Target.Printable} is not trusted ({verdict.Problem}); nothing was sent.",
                Target.Printable, [Target.Printable, verdict.Problem ?? ""], e);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Our own failures pass through; the runtime's become the reason a user can act on.
    /// Null for what is not ours to translate (the caller's cancellation).</summary>
    private K8sCommException? Translate(Exception e, string path, CancellationToken cancellationToken) => e switch
    {
        K8sCommException => null,
        HttpRequestException { InnerException: K8sCommException inner } => inner,
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new K8sCommException(FailureReason.Timeout,
            $"No connection to {Target.Printable} within {_options.ConnectTimeout.TotalSeconds:0.###} s.", Target.Printable, innerException: e),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } =>
            new K8sCommException(FailureReason.ServerUnreachable, $"Can't reach {Target.Printable}: {e.Message}", Target.Printable, innerException: e),
        HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } => new K8sCommException(FailureReason.ResponseInvalid,
            $"The response to {path} is larger than {_options.MaxResponseBytes} bytes.", path, innerException: e),
        HttpRequestException => new K8sCommException(FailureReason.ResponseInvalid,
            $"The request to {path} on {Target.Printable} failed: {e.Message}", path, innerException: e),
        IOException => new K8sCommException(FailureReason.ResponseInvalid,
            $"The response to {path} from {Target.Printable} broke off: {e.Message}", path, innerException: e),
        _ => null,
    };
}

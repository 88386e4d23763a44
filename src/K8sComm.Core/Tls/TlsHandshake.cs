using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Discovery;
using K8sComm.Core.Transport;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace K8sComm.Core.Tls;

/// <summary>Where and how to shake hands.</summary>
public sealed record TlsHandshakeRequest(string Host, int Port)
{
    /// <summary>SNI; the host when null. An IP address is never sent as SNI.</summary>
    public string? ServerName { get; init; }
    public X509Certificate2? ClientCertificate { get; init; }
    /// <summary>http:// (CONNECT) or socks5:// proxy to tunnel through.</summary>
    public Uri? Proxy { get; init; }
    public IReadOnlyList<string> ApplicationProtocols { get; init; } = ["h2", "http/1.1"];

    /// <summary>The handshake a client of this endpoint makes (without the client certificate:
    /// a look at the server needs no identity).</summary>
    public static TlsHandshakeRequest For(ResolvedEndpoint endpoint) =>
        new(TcpConnector.UnbracketedHost(endpoint.Server), endpoint.Port)
        {
            ServerName = ServerTrustPolicy.ServerNameOf(endpoint),
            Proxy = ForwardProxy.For(endpoint),
        };
}

/// <summary>What the server presented and agreed to.</summary>
public sealed record TlsHandshakeResult(
    string Protocol,
    string? ApplicationProtocol,
    string CipherSuite,
    IReadOnlyList<BcCertificate> PresentedChain,
    TimeSpan Elapsed)
{
    public CertificateFacts? ServerCertificate => PresentedChain.Count > 0 ? CertificateReader.Describe(PresentedChain[0]) : null;
    public IReadOnlyList<CertificateFacts> ChainFacts => PresentedChain.Select(CertificateReader.Describe).ToList();
}

/// <summary>
/// Connects and runs a TLS handshake that accepts whatever certificate the server presents and keeps
/// it: the judgement is made afterwards, by <see cref="ServerTrustPolicy"/> or
/// <see cref="ChainValidator"/>. We report; we don't trust. Nothing is sent after the handshake.
/// </summary>
public static class TlsHandshake
{
    /// <exception cref="K8sCommException">ServerUnreachable, ProxyFailed, TlsHandshakeFailed or Timeout.</exception>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<TlsHandshakeResult> RunAsync(TlsHandshakeRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var stream = await TcpConnector.OpenAsync(request.Host, request.Port, request.Proxy, deadline.Token).ConfigureAwait(false);
            var capture = new PresentedChainCapture();
            await using var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await AuthenticateAsync(tls, request, capture.Accept, deadline.Token).ConfigureAwait(false);
            return new TlsHandshakeResult(
                ProtocolName(tls.SslProtocol),
                tls.NegotiatedApplicationProtocol == default ? null : tls.NegotiatedApplicationProtocol.ToString(),
                tls.NegotiatedCipherSuite.ToString(),
                capture.Chain,
                Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new K8sCommException(FailureReason.Timeout,
                $"No TLS handshake with {request.Host}:{request.Port} within {timeout.TotalSeconds:0.###} s.", $"{request.Host}:{request.Port}");
        }
    }

    /// <param name="selection">When given, decides during the handshake whether to present a client
    /// certificate (and which); <see cref="TlsHandshakeRequest.ClientCertificate"/> is then ignored.</param>
    internal static async Task AuthenticateAsync(SslStream tls, TlsHandshakeRequest request,
        RemoteCertificateValidationCallback validation, CancellationToken cancellationToken,
        LocalCertificateSelectionCallback? selection = null)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = request.ServerName ?? request.Host,
            RemoteCertificateValidationCallback = validation,
            ApplicationProtocols = request.ApplicationProtocols.Select(p => new SslApplicationProtocol(p)).ToList(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // The chain .NET builds is never our verdict (ServerTrustPolicy decides); keep it cheap: no
            // system store, no downloads.
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
            ClientCertificateContext = selection is not null || request.ClientCertificate is null ? null : ClientContexts.For(request.ClientCertificate),
            LocalCertificateSelectionCallback = selection,
            EnabledSslProtocols = SslProtocols.None, // the operating system's choice: TLS 1.2 and 1.3
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            throw new K8sCommException(FailureReason.TlsHandshakeFailed,
                $"The TLS handshake with {request.Host}:{request.Port} failed: {Innermost(e).Message}",
                $"{request.Host}:{request.Port}", innerException: e);
        }
    }

    internal static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLS 1.3",
        SslProtocols.Tls12 => "TLS 1.2",
#pragma warning disable SYSLIB0039 // old protocols still get named when a server negotiates them
        SslProtocols.Tls11 => "TLS 1.1",
        SslProtocols.Tls => "TLS 1.0",
#pragma warning restore SYSLIB0039
        _ => protocol.ToString(),
    };

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}

/// <summary>
/// The TLS context of a client certificate, made once per certificate object: building it (and the
/// chain it carries) is the costly part of a handshake that presents a certificate.
/// </summary>
internal static class ClientContexts
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> Contexts = new();

    public static SslStreamCertificateContext For(X509Certificate2 certificate) =>
        Contexts.GetValue(certificate, c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true));
}

/// <summary>Keeps the certificates a server presents during the handshake: the leaf, then the others it sent.</summary>
internal sealed class PresentedChainCapture
{
    public IReadOnlyList<BcCertificate> Chain { get; private set; } = [];

    /// <summary>A validation callback that records and accepts.</summary>
    public bool Accept(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Chain = Capture(certificate, chain);
        return true;
    }

    /// <summary>SslStream puts the certificates the server sent besides the leaf into the chain's ExtraStore.</summary>
    public static IReadOnlyList<BcCertificate> Capture(X509Certificate? certificate, X509Chain? chain)
    {
        if (certificate is null)
            return [];
        var leaf = CertificateReader.FromDotNet(certificate);
        var list = new List<BcCertificate> { leaf };
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
            {
                var parsed = CertificateReader.FromDotNet(extra);
                if (!list.Contains(parsed))
                    list.Add(parsed);
            }
        }
        return list;
    }
}

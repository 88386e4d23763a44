using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Hosting;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>A kubelet's serving certificate (with key), the chain it sends, and its TLS settings.</summary>
internal sealed class KubeletCredentials(X509Certificate2 leaf, X509Certificate2Collection chain, X509Certificate2 clusterCa, bool weak = false)
{
    public X509Certificate2 Leaf { get; } = leaf;

    /// <summary>
    /// Built once and reused for every handshake. A client certificate is asked for but not required:
    /// whether it chains to the cluster CA is decided per request, where anonymous callers are handled.
    /// The cluster CA is named in the CertificateRequest, as a real kubelet with clientCAFile does.
    /// </summary>
    public SslServerAuthenticationOptions TlsOptions { get; } = new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(leaf, chain, offline: true,
            SslCertificateTrust.CreateForX509Collection([clusterCa], sendTrustInHandshake: true)),
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        // Set here (as Kestrel would), so Kestrel leaves this shared instance alone; HTTP/2 forbids renegotiation.
        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        AllowRenegotiation = false,
#pragma warning disable SYSLIB0040 // the only switch .NET offers that lowers OpenSSL's security level
        // OpenSSL (security level 2) refuses to serve an RSA-1024 or SHA-1-signed certificate at all; a Go
        // kubelet serves them. On Linux this policy sets the level to 0; clients still negotiate real
        // ciphers, since none offers a null one.
        EncryptionPolicy = weak ? EncryptionPolicy.AllowNoEncryption : EncryptionPolicy.RequireEncryption,
#pragma warning restore SYSLIB0040
    };
}

/// <summary>
/// Issues serving certificates for each posture. Keys are shared by every kubelet in the process (one
/// per key type; they are throwaway test keys) so that issuing is a signature, not a key generation.
/// Nothing here is disposed with the fleet: a kubelet's certificate may still be asked for afterwards.
/// </summary>
internal sealed class KubeletCertificateAuthority(X509Certificate2 clusterCa)
{
    static readonly TimeSpan Year = TimeSpan.FromDays(365);
    static readonly Lazy<ECDsa> SharedEcdsa = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));
    static readonly Lazy<RSA> SharedRsa2048 = new(() => RSA.Create(2048));
    static readonly Lazy<RSA> SharedRsa2048Ca = new(() => RSA.Create(2048));
    static readonly Lazy<RSA> SharedRsa1024 = new(() => RSA.Create(1024));

    readonly X509Certificate2 _clusterCaPublic = Certificates.PublicOnly(clusterCa);
    readonly AsymmetricAlgorithm _clusterCaKey = Certificates.PrivateKeyOf(clusterCa);
    readonly Lazy<X509Certificate2> _untrustedCa = new(() =>
        Certificates.CreateSelfSignedCa("sandbox-untrusted-ca", ECDsa.Create(ECCurve.NamedCurves.nistP256),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.Add(Year)));

    /// <summary>The CA that signs WrongCa certificates (public part only).</summary>
    public X509Certificate2 UntrustedCa => Certificates.PublicOnly(_untrustedCa.Value);

    public KubeletCredentials Issue(SandboxKubelet kubelet)
    {
        var node = kubelet.NodeName;
        var now = DateTimeOffset.UtcNow;
        var leaf = new LeafRequest($"CN=system:node:{node}, O=system:nodes", SharedEcdsa.Value, [node], [kubelet.Address],
            now.AddHours(-1), now.Add(Year));

        X509Certificate2 Signed(LeafRequest request) => Certificates.IssueLeaf(request, clusterCa, _clusterCaKey);
        KubeletCredentials Serve(X509Certificate2 cert) => new(cert, [], _clusterCaPublic);
        KubeletCredentials ServeWeak(X509Certificate2 cert) => new(cert, [], _clusterCaPublic, weak: true);

        return kubelet.Posture.Certificate switch
        {
            KubeletCertificateKind.CaSigned => Serve(Signed(leaf)),
            KubeletCertificateKind.SelfSigned => SelfGenerated(node, kubelet.Address, now),
            KubeletCertificateKind.Expired => Serve(Signed(leaf with { NotBefore = now - Year - TimeSpan.FromDays(1), NotAfter = now.AddDays(-1) })),
            KubeletCertificateKind.NotYetValid => Serve(Signed(leaf with { NotBefore = now.AddDays(1), NotAfter = now.AddDays(1) + Year })),
            KubeletCertificateKind.SanMismatch => Serve(Signed(leaf with { DnsNames = ["wrong-node.invalid"], IpAddresses = [IPAddress.Parse("10.255.255.1")] })),
            KubeletCertificateKind.WeakKey => ServeWeak(Signed(leaf with { Key = SharedRsa1024.Value })),
            KubeletCertificateKind.Sha1Signature => ServeWeak(Signed(leaf with { Key = SharedRsa2048.Value, Sha1Signature = true })),
            KubeletCertificateKind.WrongCa => Serve(Certificates.IssueLeaf(leaf, _untrustedCa.Value)),
            var kind => throw new ArgumentOutOfRangeException(nameof(kubelet), kind, "Unknown certificate kind."),
        };
    }

    // What a kubelet without a serving certificate writes to kubelet.crt: a leaf "<node>@<unix>" issued
    // by a throwaway CA "<node>-ca@<unix>", both RSA 2048. A Go kubelet sends both; .NET leaves a
    // self-signed root out of the chain it sends, so clients see the leaf and its issuer's name.
    KubeletCredentials SelfGenerated(string node, IPAddress address, DateTimeOffset now)
    {
        var unix = now.ToUnixTimeSeconds();
        var ca = Certificates.CreateSelfSignedCa($"{node}-ca@{unix}", SharedRsa2048Ca.Value, now.AddHours(-1), now.Add(Year));
        var leaf = Certificates.IssueLeaf(new LeafRequest($"CN={node}@{unix}", SharedRsa2048.Value, [node], [address],
            now.AddHours(-1), now.Add(Year)), ca);
        return new KubeletCredentials(leaf, [Certificates.PublicOnly(ca)], _clusterCaPublic);
    }
}

using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Discovery;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace K8sComm.Core.Tls;

/// <summary>Where trust in a server certificate comes from.</summary>
public enum TrustSource
{
    /// <summary>The endpoint's own CA bundle (kubeconfig certificate-authority[-data], or the pod's ca.crt).</summary>
    EndpointCertificateAuthority,
    /// <summary>No CA configured: the operating system's trust store, as Go does.</summary>
    SystemTrustStore,
    /// <summary>insecure-skip-tls-verify: nothing is checked.</summary>
    NotVerified,
}

/// <summary>
/// How a presented certificate fares against an endpoint's TLS settings. <see cref="Trusted"/> is what
/// decides whether credentials may be sent: chain and name both good, or verification switched off.
/// </summary>
public sealed record ServerTrustVerdict(
    bool Trusted,
    TrustSource Source,
    string ServerName,
    bool ChainTrusted,
    string? ChainError,
    bool NameMatches,
    string? NameError,
    IReadOnlyList<string> Weaknesses)
{
    /// <summary>One sentence for an error message: what failed, or null when trusted.</summary>
    public string? Problem => Trusted ? null : ChainError ?? NameError;
}

/// <summary>
/// The TLS trust settings of one endpoint: which CA (or the system store), which name the certificate
/// must carry (tls-server-name, else the server's host), and whether verification is skipped.
/// Built once per endpoint; evaluating is thread-safe.
/// </summary>
public sealed class ServerTrustPolicy
{
    private readonly ChainValidator? _validator;

    private ServerTrustPolicy(ChainValidator? validator, string serverName, bool skipVerification)
    {
        _validator = validator;
        ServerName = serverName;
        SkipVerification = skipVerification;
    }

    /// <exception cref="K8sCommException">The endpoint's CA data is not readable (CertificateDataInvalid).</exception>
    public static ServerTrustPolicy For(ResolvedEndpoint endpoint)
    {
        var caData = endpoint.Credentials.CertificateAuthorityData;
        var validator = caData is { Length: > 0 }
            ? ChainValidator.FromBundle(caData, endpoint.CertificateAuthority.Source)
            : null;
        return new ServerTrustPolicy(validator, ServerNameOf(endpoint), endpoint.InsecureSkipTlsVerify);
    }

    public static ServerTrustPolicy WithAuthorities(IEnumerable<BcCertificate> authorities, string serverName) =>
        new(new ChainValidator(authorities), serverName, skipVerification: false);

    /// <summary>The name sent as SNI and checked against the certificate: tls-server-name, else the host.</summary>
    public static string ServerNameOf(ResolvedEndpoint endpoint) =>
        string.IsNullOrEmpty(endpoint.TlsServerName) ? ServerConnection.UnbracketedHost(endpoint.Server) : endpoint.TlsServerName;

    public string ServerName { get; }
    public bool SkipVerification { get; }
    public TrustSource Source => SkipVerification ? TrustSource.NotVerified
        : _validator is null ? TrustSource.SystemTrustStore : TrustSource.EndpointCertificateAuthority;

    /// <summary>Judges a presented chain (leaf first) at <paramref name="at"/>. Chain and name are always
    /// evaluated, so a user sees the facts even when verification is skipped.</summary>
    public ServerTrustVerdict Evaluate(IReadOnlyList<BcCertificate> presented, DateTimeOffset at)
    {
        var chain = _validator is not null ? _validator.Validate(presented, at) : ValidateWithSystemStore(presented, at);
        var name = presented.Count == 0
            ? new HostnameVerdict(false, "the server presented no certificate")
            : HostnameMatcher.Check(CertificateReader.Describe(presented[0]), ServerName);
        var trusted = SkipVerification || (chain.Trusted && name.Matches);
        return new ServerTrustVerdict(trusted, Source, ServerName, chain.Trusted, chain.Reason,
            name.Matches, name.Reason is null ? null : $"name {ServerName}: {name.Reason}", chain.Weaknesses);
    }

    private static ChainVerdict ValidateWithSystemStore(IReadOnlyList<BcCertificate> presented, DateTimeOffset at)
    {
        if (presented.Count == 0)
            return ChainVerdict.Fail(ChainProblem.NoCertificate, "the server presented no certificate", []);

        var certificates = presented.Select(c => new X509Certificate2(c.GetEncoded())).ToList();
        try
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = at.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
            chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());
            if (chain.Build(certificates[0]))
                return new ChainVerdict(true, ChainProblem.None, null, []);

            var status = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
            var problem = status.HasFlag(X509ChainStatusFlags.NotTimeValid) ? ChainProblem.Expired
                : status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain) ? ChainProblem.UnknownAuthority
                : status.HasFlag(X509ChainStatusFlags.NotSignatureValid) ? ChainProblem.BadSignature
                : ChainProblem.Invalid;
            var reason = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return ChainVerdict.Fail(problem, $"not trusted by the system trust store: {reason}", []);
        }
        finally
        {
            certificates.ForEach(c => c.Dispose());
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Discovery;
using K8sComm.Core.Transport;
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

    /// <summary>Why the chain is not trusted, as a code (<see cref="ChainProblem.None"/> when it is).</summary>
    public ChainProblem ChainProblem { get; init; }

    /// <summary><see cref="Weaknesses"/> with their codes.</summary>
    public IReadOnlyList<CertificateWeakness> WeaknessDetails { get; init; } = [];
}

/// <summary>
/// The TLS trust settings of one endpoint: which CA (or the system store), which name the certificate
/// must carry (tls-server-name, else the server's host), and whether verification is skipped.
/// Built once per endpoint; evaluating is thread-safe.
/// </summary>
public sealed class ServerTrustPolicy
{
    private readonly ChainValidator? _validator;
    // Several API servers behind one address may each present their own certificate, so a few verdicts
    // are remembered, newest first. The array is replaced, never changed, so readers need no lock.
    private const int RememberedVerdicts = 8;
    private CachedVerdict[] _recent = [];

    private ServerTrustPolicy(ChainValidator? validator, string serverName, bool skipVerification)
    {
        _validator = validator;
        ServerName = serverName;
        SkipVerification = skipVerification;
    }

    /// <exception cref="K8sCommException">The endpoint's CA data is not readable (CertificateDataInvalid).</exception>
    public static ServerTrustPolicy For(ResolvedEndpoint endpoint)
    {
        if (endpoint.Credentials.CertificateAuthorityUnreadable is { } unreadable)
            throw CertificateMaterial.Invalid(unreadable.Field, $"cannot be read: '{unreadable.Path}' {unreadable.Problem}");
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
        string.IsNullOrEmpty(endpoint.TlsServerName) ? TcpConnector.UnbracketedHost(endpoint.Server) : endpoint.TlsServerName;

    public string ServerName { get; }
    public bool SkipVerification { get; }
    public TrustSource Source => SkipVerification ? TrustSource.NotVerified
        : _validator is null ? TrustSource.SystemTrustStore : TrustSource.EndpointCertificateAuthority;

    /// <summary>
    /// Judges what a TLS handshake presented. Recent verdicts are kept with the exact certificate bytes
    /// they were made for: a new connection presenting the same bytes, while every certificate involved
    /// is still inside its validity period, gets the verdict again without re-verifying.
    /// </summary>
    internal ServerTrustVerdict Evaluate(X509Certificate? leaf, X509Chain? chain, DateTimeOffset at)
    {
        var raw = RawPresented(leaf, chain);
        return EvaluateOnce(raw, () => raw.Select(CertificateReader.Parse).ToList(), at);
    }

    /// <summary>
    /// Whether this server certificate may receive the client certificate: verification is skipped, or
    /// the same leaf was judged trusted and nothing time-dependent has changed since. Asked in the
    /// middle of a handshake, where only the leaf is at hand.
    /// </summary>
    internal bool IsKnownTrusted(X509Certificate leaf, DateTimeOffset at)
    {
        if (SkipVerification)
            return true;
        var raw = leaf.GetRawCertData();
        return _recent.Any(known => known.Verdict.Trusted && known.Raw.Count > 0
            && at.UtcDateTime >= known.ValidFrom && at.UtcDateTime <= known.ValidUntil
            && known.Raw[0].AsSpan().SequenceEqual(raw));
    }

    /// <summary>Judges a presented chain (leaf first) at <paramref name="at"/>. Chain and name are always
    /// evaluated, so a user sees the facts even when verification is skipped.</summary>
    public ServerTrustVerdict Evaluate(IReadOnlyList<BcCertificate> presented, DateTimeOffset at) =>
        EvaluateOnce(presented.Select(c => c.GetEncoded()).ToList(), () => presented, at);

    private ServerTrustVerdict EvaluateOnce(List<byte[]> raw, Func<IReadOnlyList<BcCertificate>> parse, DateTimeOffset at)
    {
        var known = _recent.FirstOrDefault(entry => entry.Matches(raw, at));
        if (known is not null)
            return known.Verdict;

        var presented = parse();
        var verdict = Judge(presented, at);
        if (CachedVerdict.For(raw, presented, _validator?.Authorities, at, verdict) is { } entry)
            _recent = [entry, .. _recent.Take(RememberedVerdicts - 1)];
        return verdict;
    }

    private ServerTrustVerdict Judge(IReadOnlyList<BcCertificate> presented, DateTimeOffset at)
    {
        var chain = _validator is not null ? _validator.Validate(presented, at) : ValidateWithSystemStore(presented, at);
        var name = presented.Count == 0
            ? new HostnameVerdict(false, "the server presented no certificate")
            : HostnameMatcher.Check(CertificateReader.Describe(presented[0]), ServerName);
        var trusted = SkipVerification || (chain.Trusted && name.Matches);
        return new ServerTrustVerdict(trusted, Source, ServerName, chain.Trusted, chain.Reason,
            name.Matches, name.Reason is null ? null : $"name {ServerName}: {name.Reason}", chain.Weaknesses)
        {
            ChainProblem = chain.Problem,
            WeaknessDetails = chain.WeaknessDetails,
        };
    }

    private static List<byte[]> RawPresented(X509Certificate? leaf, X509Chain? chain)
    {
        var raw = new List<byte[]>();
        if (leaf is null)
            return raw;
        raw.Add(leaf.GetRawCertData());
        if (chain is not null)
        {
            foreach (var extra in chain.ChainPolicy.ExtraStore)
            {
                var bytes = extra.RawData;
                if (!raw.Any(r => r.AsSpan().SequenceEqual(bytes)))
                    raw.Add(bytes);
            }
        }
        return raw;
    }

    /// <summary>A verdict, the bytes it judged, and the window in which time can't change it.</summary>
    private sealed record CachedVerdict(List<byte[]> Raw, DateTime ValidFrom, DateTime ValidUntil, ServerTrustVerdict Verdict)
    {
        public static CachedVerdict? For(List<byte[]> raw, IReadOnlyList<BcCertificate> presented,
            IReadOnlyList<BcCertificate>? authorities, DateTimeOffset at, ServerTrustVerdict verdict)
        {
            var involved = presented.Concat(authorities ?? []).ToList();
            if (involved.Count == 0)
                return null;
            var from = involved.Max(c => c.NotBefore.ToUniversalTime());
            var until = involved.Min(c => c.NotAfter.ToUniversalTime());
            // Only a verdict made inside the window stays true for the whole window.
            return at.UtcDateTime >= from && at.UtcDateTime <= until ? new CachedVerdict(raw, from, until, verdict) : null;
        }

        public bool Matches(List<byte[]> raw, DateTimeOffset at) =>
            at.UtcDateTime >= ValidFrom && at.UtcDateTime <= ValidUntil
            && raw.Count == Raw.Count && raw.Zip(Raw).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));
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
            var weaknesses = ChainValidator.Weaknesses(presented);
            if (chain.Build(certificates[0]))
                return new ChainVerdict(true, ChainProblem.None, null, weaknesses);

            var status = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
            var problem = status.HasFlag(X509ChainStatusFlags.NotTimeValid) ? ChainProblem.Expired
                : status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain) ? ChainProblem.UnknownAuthority
                : status.HasFlag(X509ChainStatusFlags.NotSignatureValid) ? ChainProblem.BadSignature
                : ChainProblem.Invalid;
            var reason = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return ChainVerdict.Fail(problem, $"not trusted by the system trust store: {reason}", weaknesses);
        }
        finally
        {
            certificates.ForEach(c => c.Dispose());
        }
    }
}

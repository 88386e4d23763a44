using System.Globalization;
using System.Text.RegularExpressions;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using Status = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm.Core.Kubelets;

/// <summary>
/// Judges a presented kubelet chain as the API server with <c>--kubelet-certificate-authority</c> would
/// (chain, dates, the dialled name, server use), adds what it tolerates but should not (weak keys, the
/// node name missing, expiry soon), and names the kubelet's own self-generated certificate as such.
/// </summary>
internal static partial class KubeletCertificateJudge
{
    // A kubelet without a serving certificate makes one: "<host>@<unix-time>", issued by a throwaway
    // "<host>-ca@<unix-time>" CA (older kubelets: the leaf signs itself). client-go cert.GenerateSelfSignedCertKey.
    [GeneratedRegex(@"^CN=(?<host>[^,@]+)@\d+$")]
    private static partial Regex SelfGeneratedLeaf();

    [GeneratedRegex(@"^CN=(?<host>[^,@]+)-ca@\d+$")]
    private static partial Regex SelfGeneratedCa();

    public static KubeletCheckResult Judge(KubeletTarget target, IReadOnlyList<BcCertificate> presented, KubeletAuthority authority,
        DateTimeOffset now, int warningDays)
    {
        var findings = new List<Finding>();
        var statuses = new List<Status>();
        var chain = authority.Validator.Validate(presented, now);
        if (presented.Count == 0)
        {
            findings.Add(Untrusted(chain.Reason ?? "no certificate"));
            return Result(target, authority, Status.Untrusted, findings) with { ChainProblem = chain.Problem, ChainError = chain.Reason };
        }

        var leaf = presented[0];
        var facts = CertificateReader.Describe(leaf);
        var selfGenerated = IsSelfGenerated(facts);

        switch (chain.Problem)
        {
            case ChainProblem.None:
                break;
            case ChainProblem.SelfSigned or ChainProblem.UnknownAuthority when selfGenerated:
                statuses.Add(Status.SelfSigned);
                findings.Add(new(FindingIds.KubeletCertificateNotBootstrapped, FindingSeverity.High,
                    $"The kubelet serves the certificate it generated for itself ({facts.Subject}): it was never given one signed by the cluster CA. " +
                    "Set serverTLSBootstrap: true and rotateCertificates: true in the kubelet configuration and approve its kubelet-serving CSRs.",
                    [facts.Subject]));
                break;
            case ChainProblem.SelfSigned:
                statuses.Add(Status.SelfSigned);
                findings.Add(new(FindingIds.KubeletCertificateSelfSigned, FindingSeverity.High,
                    $"The certificate ({facts.Subject}) is self-signed and not in the CA bundle: the API server can't tell this kubelet from an impostor.",
                    [facts.Subject]));
                break;
            case ChainProblem.Expired or ChainProblem.NotYetValid:
                statuses.Add(chain.Problem == ChainProblem.Expired ? Status.Expired : Status.NotYetValid);
                if (InWindow(facts, now))
                    findings.Add(Untrusted(chain.Reason!)); // an intermediate or the CA itself is out of date
                break;
            case ChainProblem.InsecureSignature:
                statuses.Add(Status.WeakSignature); // the weakness below is the finding
                break;
            case ChainProblem.NotForServerAuthentication:
                break; // checked below for every chain
            default:
                statuses.Add(Status.Untrusted);
                findings.Add(Untrusted(chain.Reason!));
                break;
        }

        if (!ChainValidator.AllowsServerAuthentication(leaf))
        {
            statuses.Add(Status.Untrusted);
            findings.Add(new(FindingIds.KubeletCertificateNotForServerAuth, FindingSeverity.High,
                $"The certificate ({facts.Subject}) is not meant for TLS servers: its extended key usage leaves out serverAuth.",
                [facts.Subject]));
        }

        var daysRemaining = (int)(facts.NotAfter - now).TotalDays; // whole days, toward zero
        if (now > facts.NotAfter)
        {
            statuses.Add(Status.Expired);
            findings.Add(new(FindingIds.KubeletCertificateExpired, FindingSeverity.High,
                $"The certificate expired on {Day(facts.NotAfter)}: the API server refuses it. Renew it (rotateCertificates: true renews it before it expires).",
                [Day(facts.NotAfter)]));
        }
        else if (now < facts.NotBefore)
        {
            statuses.Add(Status.NotYetValid);
            findings.Add(new(FindingIds.KubeletCertificateNotYetValid, FindingSeverity.High,
                $"The certificate is not valid before {Day(facts.NotBefore)}: check the clocks of the node and of the CA that issued it.",
                [Day(facts.NotBefore)]));
        }
        else if (daysRemaining < warningDays)
        {
            findings.Add(new(FindingIds.KubeletCertificateExpiring, FindingSeverity.Medium,
                $"The certificate expires on {Day(facts.NotAfter)}, in {daysRemaining} days (warning under {warningDays}).",
                [Day(facts.NotAfter), Number(daysRemaining), Number(warningDays)]));
        }

        var name = HostnameMatcher.Check(facts, target.Host);
        if (!name.Matches)
        {
            statuses.Add(Status.NameMismatch);
            var names = string.Join(", ", facts.DnsNames.Concat(facts.IpAddresses));
            findings.Add(new(FindingIds.KubeletCertificateNameMismatch, FindingSeverity.High,
                $"The certificate does not name {target.Host}, the address that was dialled ({name.Reason}).",
                [target.Host, names.Length == 0 ? "-" : names]));
        }

        bool? nodeNameInCertificate = null;
        if (!string.IsNullOrEmpty(target.NodeName))
        {
            var node = target.NodeName.ToLowerInvariant();
            nodeNameInCertificate = facts.DnsNames.Any(pattern => HostnameMatcher.MatchesPattern(pattern, node));
            if (nodeNameInCertificate == false)
            {
                findings.Add(new(FindingIds.KubeletCertificateNodeNameMissing, FindingSeverity.Low,
                    $"The node name {target.NodeName} is not among the certificate's DNS names.", [target.NodeName]));
            }
        }

        foreach (var weakness in chain.WeaknessDetails)
        {
            var signature = weakness.Code is WeaknessCode.Sha1Signature or WeaknessCode.Md5Signature;
            statuses.Add(signature ? Status.WeakSignature : Status.WeakKey);
            findings.Add(signature
                ? new(FindingIds.KubeletCertificateWeakSignature, FindingSeverity.High,
                    $"'{weakness.Certificate}' is signed with {weakness.Detail}, which Go clients such as the API server refuse.",
                    [weakness.Certificate, weakness.Detail])
                : new(FindingIds.KubeletCertificateWeakKey, FindingSeverity.Medium,
                    $"'{weakness.Certificate}' has a weak key ({weakness.Detail}); use RSA 2048 or larger, or ECDSA P-256 or larger.",
                    [weakness.Certificate, weakness.Detail]));
        }

        return Result(target, authority, KubeletStatuses.Worst(statuses), findings) with
        {
            PresentedChain = presented,
            Certificate = facts,
            ChainProblem = chain.Problem,
            ChainError = chain.Reason,
            NameMatches = name.Matches,
            NameError = name.Reason,
            NodeNameInCertificate = nodeNameInCertificate,
            DaysRemaining = daysRemaining,
        };
    }

    /// <summary>A result with no certificate: the kubelet could not be reached or would not shake hands.</summary>
    public static KubeletCheckResult Failed(KubeletTarget target, KubeletAuthority authority, Status status, string error)
    {
        var findings = new List<Finding>();
        if (status == Status.Unreachable)
        {
            findings.Add(new(FindingIds.KubeletUnreachable, FindingSeverity.High,
                $"The kubelet at {target.Authority} can't be reached: {error}", [target.Authority, error]));
            if (NetworkAddresses.IsPrivate(target.Host))
            {
                findings.Add(new(FindingIds.KubeletPrivateAddress, FindingSeverity.Info,
                    $"{target.Host} is a private address, which may not be reachable from here: run the check in the cluster (a Job with -InCluster), on a bastion or on a node.",
                    [target.Host]));
            }
        }
        else
        {
            findings.Add(new(FindingIds.KubeletHandshakeFailed, FindingSeverity.High,
                $"The kubelet at {target.Authority} accepted the connection but completed no TLS handshake: {error}", [target.Authority, error]));
        }
        return Result(target, authority, status, findings) with { Error = error };
    }

    /// <summary>The shape of <c>cert.GenerateSelfSignedCertKey</c>: leaf "&lt;host&gt;@&lt;time&gt;", issued by
    /// "&lt;host&gt;-ca@&lt;time&gt;" or by itself.</summary>
    public static bool IsSelfGenerated(CertificateFacts leaf)
    {
        var subject = SelfGeneratedLeaf().Match(leaf.Subject);
        if (!subject.Success)
            return false;
        if (leaf.IsSelfSigned)
            return true;
        var issuer = SelfGeneratedCa().Match(leaf.Issuer);
        return issuer.Success && issuer.Groups["host"].Value == subject.Groups["host"].Value;
    }

    private static KubeletCheckResult Result(KubeletTarget target, KubeletAuthority authority, Status status, List<Finding> findings) => new()
    {
        Target = target,
        Status = status,
        Findings = findings.OrderByDescending(f => f.Severity).ToArray(),
        AuthoritySource = authority.Source,
        AuthoritySubjects = authority.Subjects,
    };

    private static Finding Untrusted(string reason) => new(FindingIds.KubeletCertificateUntrusted, FindingSeverity.High,
        $"The certificate does not verify against the CA bundle: {reason}.", [reason]);

    private static bool InWindow(CertificateFacts facts, DateTimeOffset now) => now >= facts.NotBefore && now <= facts.NotAfter;

    private static string Day(DateTimeOffset time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}

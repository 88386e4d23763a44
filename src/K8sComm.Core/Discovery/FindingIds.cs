using System.Globalization;

namespace K8sComm.Core.Discovery;

/// <summary>The stable ids of endpoint findings; the PowerShell layer localizes messages by id.</summary>
public static class FindingIds
{
    public const string InsecureSkipTlsVerify = nameof(InsecureSkipTlsVerify);
    public const string PlainHttp = nameof(PlainHttp);
    public const string TokenOverPlainHttp = nameof(TokenOverPlainHttp);
    public const string BasicAuth = nameof(BasicAuth);
    public const string ClientCertificateExpiring = nameof(ClientCertificateExpiring);
    public const string ClientCertificateExpired = nameof(ClientCertificateExpired);
    public const string CertificateAuthorityMissing = nameof(CertificateAuthorityMissing);
    public const string UserNotFound = nameof(UserNotFound);
    public const string InsecureWithCertificateAuthority = nameof(InsecureWithCertificateAuthority);

    /// <summary>A file a kubeconfig field names can't be read. Arguments: field, file, why.</summary>
    public const string FileUnreadable = nameof(FileUnreadable);

    /// <summary>A password or query parameters in the server URL or proxy-url. Arguments: field, URL (redacted).</summary>
    public const string CredentialInUrl = nameof(CredentialInUrl);

    // What -Probe sees on the wire (see Api.ProbeFindings).

    /// <summary>The presented chain does not verify against the endpoint's trust. Arguments: why.</summary>
    public const string ServerCertificateUntrusted = nameof(ServerCertificateUntrusted);

    /// <summary>The certificate does not carry the name the client connects by. Arguments: name, why.</summary>
    public const string ServerNameMismatch = nameof(ServerNameMismatch);

    /// <summary>Arguments: the day it expired (yyyy-MM-dd).</summary>
    public const string ServerCertificateExpired = nameof(ServerCertificateExpired);

    /// <summary>Arguments: the day it expires, the warning window in days.</summary>
    public const string ServerCertificateExpiring = nameof(ServerCertificateExpiring);

    /// <summary>Weak keys or signatures in the presented chain. Arguments: the weaknesses, joined.</summary>
    public const string ServerCertificateWeak = nameof(ServerCertificateWeak);

    /// <summary>A later connection was shown another certificate than the first. Arguments: why.</summary>
    public const string ServerCertificateChanged = nameof(ServerCertificateChanged);

    /// <summary>Anonymous requests are served (2xx on /api/v1/namespaces).</summary>
    public const string AnonymousAccessAllowed = nameof(AnonymousAccessAllowed);

    /// <summary>Anonymous requests are authenticated as system:anonymous and only authorization denies them.</summary>
    public const string AnonymousAccessDenied = nameof(AnonymousAccessDenied);

    /// <summary>The endpoint has credentials the probe kept back. Arguments: why.</summary>
    public const string CredentialsWithheld = nameof(CredentialsWithheld);

    // A kubelet's serving certificate and API (Kubelets/).
    public const string KubeletUnreachable = nameof(KubeletUnreachable);
    public const string KubeletPrivateAddress = nameof(KubeletPrivateAddress);
    public const string KubeletHandshakeFailed = nameof(KubeletHandshakeFailed);
    public const string KubeletCertificateUntrusted = nameof(KubeletCertificateUntrusted);
    public const string KubeletCertificateSelfSigned = nameof(KubeletCertificateSelfSigned);
    public const string KubeletCertificateNotBootstrapped = nameof(KubeletCertificateNotBootstrapped);
    public const string KubeletCertificateExpired = nameof(KubeletCertificateExpired);
    public const string KubeletCertificateNotYetValid = nameof(KubeletCertificateNotYetValid);
    public const string KubeletCertificateExpiring = nameof(KubeletCertificateExpiring);
    public const string KubeletCertificateNameMismatch = nameof(KubeletCertificateNameMismatch);
    public const string KubeletCertificateNodeNameMissing = nameof(KubeletCertificateNodeNameMissing);
    public const string KubeletCertificateNotForServerAuth = nameof(KubeletCertificateNotForServerAuth);
    public const string KubeletCertificateWeakKey = nameof(KubeletCertificateWeakKey);
    public const string KubeletCertificateWeakSignature = nameof(KubeletCertificateWeakSignature);
    public const string KubeletAnonymousAuthEnabled = nameof(KubeletAnonymousAuthEnabled);
    public const string KubeletAnonymousAccessAllowed = nameof(KubeletAnonymousAccessAllowed);
    public const string KubeletAuthenticationUnchecked = nameof(KubeletAuthenticationUnchecked);
    public const string KubeletReadOnlyPortOpen = nameof(KubeletReadOnlyPortOpen);
}

/// <summary>Judges an endpoint's settings: the weaknesses a user should know about, worst first.</summary>
internal static class EndpointFindings
{
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public static IReadOnlyList<Finding> Evaluate(
        Uri server, bool insecureSkipTlsVerify, bool hasCertificateAuthority,
        IReadOnlyList<AuthenticationMethod> authentication, DateTimeOffset now, string? missingUser = null,
        IReadOnlyList<UnreadableFile>? unreadable = null, IReadOnlyList<(string Field, string Url)>? urlsWithCredentials = null)
    {
        var findings = new List<Finding>();
        foreach (var (field, url) in urlsWithCredentials ?? [])
        {
            findings.Add(new(FindingIds.CredentialInUrl, FindingSeverity.Medium,
                $"{field} carries a secret in the URL itself ({url}): it ends up in logs, shell history and error messages; move it to the user's credentials.",
                [field, url]));
        }

        foreach (var file in unreadable ?? [])
        {
            findings.Add(new(FindingIds.FileUnreadable, FindingSeverity.High,
                $"{file.Field} names '{file.Path}', which {file.Problem}: what needs it (trust or credentials) is not used.",
                [file.Field, file.Path, file.Problem]));
        }

        if (missingUser is not null)
        {
            findings.Add(new(FindingIds.UserNotFound, FindingSeverity.Low,
                $"The context names user '{missingUser}', which no kubeconfig defines: requests will carry no credentials.",
                [missingUser]));
        }

        var plainHttp = server.Scheme == Uri.UriSchemeHttp;
        if (insecureSkipTlsVerify)
        {
            findings.Add(new(FindingIds.InsecureSkipTlsVerify, FindingSeverity.High,
                "insecure-skip-tls-verify is set: the API server's certificate is not checked, so anyone in the path can impersonate it."));
            if (hasCertificateAuthority)
            {
                findings.Add(new(FindingIds.InsecureWithCertificateAuthority, FindingSeverity.Medium,
                    "Both insecure-skip-tls-verify and a certificate authority are set; kubectl refuses to connect with this combination."));
            }
        }

        if (plainHttp)
        {
            findings.Add(new(FindingIds.PlainHttp, FindingSeverity.High,
                "The server URL uses http://: requests and responses travel unencrypted and unauthenticated."));
            if (authentication.Any(a => a.Kind is AuthenticationKind.Token or AuthenticationKind.TokenFile
                    or AuthenticationKind.Basic or AuthenticationKind.Exec or AuthenticationKind.AuthProvider))
            {
                findings.Add(new(FindingIds.TokenOverPlainHttp, FindingSeverity.High,
                    "Credentials would be sent over plain http://, readable by anyone on the network."));
            }
        }
        else if (!insecureSkipTlsVerify && !hasCertificateAuthority)
        {
            findings.Add(new(FindingIds.CertificateAuthorityMissing, FindingSeverity.Medium,
                "No certificate authority is configured: the system trust store will be used to verify the API server."));
        }

        if (authentication.Any(a => a.Kind == AuthenticationKind.Basic))
        {
            findings.Add(new(FindingIds.BasicAuth, FindingSeverity.Medium,
                "Basic authentication (username and password) is configured; Kubernetes removed support for it and it exposes a reusable password."));
        }

        foreach (var certificate in authentication.Where(a => a is { Kind: AuthenticationKind.ClientCertificate, NotAfter: not null }))
        {
            var notAfter = certificate.NotAfter!.Value;
            if (notAfter <= now)
            {
                findings.Add(new(FindingIds.ClientCertificateExpired, FindingSeverity.High,
                    $"The client certificate expired on {notAfter:yyyy-MM-dd}.",
                    [Day(notAfter)]));
            }
            else if (notAfter - now <= ExpiryWarning)
            {
                findings.Add(new(FindingIds.ClientCertificateExpiring, FindingSeverity.Medium,
                    $"The client certificate expires on {notAfter:yyyy-MM-dd}, within {ExpiryWarning.Days} days.",
                    [Day(notAfter), ExpiryWarning.Days.ToString(CultureInfo.InvariantCulture)]));
            }
        }

        return findings.OrderByDescending(f => f.Severity).ToArray();
    }

    private static string Day(DateTimeOffset time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

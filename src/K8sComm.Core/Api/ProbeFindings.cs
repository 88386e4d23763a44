using System.Globalization;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Api;

/// <summary>
/// Turns what a probe saw into findings of the same vocabulary as the kubeconfig's, so one
/// <c>Where-Object Severity -eq High</c> gates both: trust that did not hold, a name that does not match,
/// anonymous access, certificate lifetime and strength, a certificate that changed, credentials kept back.
/// </summary>
internal static class ProbeFindings
{
    public static IReadOnlyList<Finding> Evaluate(ProbeResult result, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var expired = result.ServerCertificate is { } leaf && leaf.NotAfter <= now;
        if (result.CertificateChanged && (result.ChainTrusted != true || result.NameMatches == false))
        {
            var why = result.ChainError ?? "";
            findings.Add(new(FindingIds.ServerCertificateChanged, FindingSeverity.High,
                $"The server presented another certificate on a later connection than on the first, and it is not trusted: {why}", [why]));
        }
        else if (result.ChainTrusted == false && !expired && result.TrustSource != TrustSource.NotVerified)
        {
            var why = result.ChainError ?? "";
            findings.Add(new(FindingIds.ServerCertificateUntrusted, FindingSeverity.High,
                $"The API server's certificate chain is not trusted: {why}", [why]));
        }

        if (result.NameMatches == false && result.TrustSource != TrustSource.NotVerified)
        {
            var name = result.ServerName ?? "";
            var why = result.NameError ?? "";
            findings.Add(new(FindingIds.ServerNameMismatch, FindingSeverity.High,
                $"The API server's certificate is not valid for the name '{name}' the client connects by: {why}", [name, why]));
        }

        if (result.ServerCertificate is { } certificate)
        {
            var day = certificate.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (expired)
            {
                findings.Add(new(FindingIds.ServerCertificateExpired, FindingSeverity.High,
                    $"The API server's certificate expired on {day}: clients that verify it refuse to connect.", [day]));
            }
            else if (certificate.NotAfter - now <= EndpointFindings.ExpiryWarning)
            {
                var days = EndpointFindings.ExpiryWarning.Days.ToString(CultureInfo.InvariantCulture);
                findings.Add(new(FindingIds.ServerCertificateExpiring, FindingSeverity.Medium,
                    $"The API server's certificate expires on {day}, within {days} days.", [day, days]));
            }
        }

        if (result.CertificateWeaknesses.Count > 0)
        {
            var weaknesses = string.Join("; ", result.CertificateWeaknesses);
            findings.Add(new(FindingIds.ServerCertificateWeak, FindingSeverity.Medium,
                $"The server's certificate chain uses weak cryptography: {weaknesses}", [weaknesses]));
        }

        switch (result.AnonymousAccess)
        {
            case AnonymousAccess.Allowed:
                findings.Add(new(FindingIds.AnonymousAccessAllowed, FindingSeverity.High,
                    "The API server serves anonymous requests: anyone who can reach it can list namespaces without credentials."));
                break;
            case AnonymousAccess.Denied:
                findings.Add(new(FindingIds.AnonymousAccessDenied, FindingSeverity.Low,
                    "Anonymous requests are accepted as system:anonymous and only authorization stops them; --anonymous-auth=false closes the door earlier."));
                break;
        }

        if (result.CredentialsWithheld)
        {
            var why = result.Steps.FirstOrDefault(s => s is { Name: ProbeStepNames.Identity, Status: ProbeStepStatus.Skipped })?.Error
                ?? result.Steps.FirstOrDefault(s => s.Status == ProbeStepStatus.Skipped && s.Error?.StartsWith("credentials", StringComparison.Ordinal) == true)?.Error
                ?? "";
            findings.Add(new(FindingIds.CredentialsWithheld, FindingSeverity.Medium,
                $"The probe did not send this endpoint's credentials, so its identity and access were not checked: {why}", [why]));
        }

        return findings.OrderByDescending(f => f.Severity).ToArray();
    }
}

using System.Net;

namespace K8sComm.Core.Tls;

/// <summary>Whether a certificate is valid for a name, and if not, why.</summary>
public sealed record HostnameVerdict(bool Matches, string? Reason)
{
    public static HostnameVerdict Match { get; } = new(true, null);
}

/// <summary>
/// Checks a server name against a certificate the way Go's crypto/tls does (and therefore kubectl
/// and the API server): an IP address must equal an IP SAN; a DNS name must match a DNS SAN, where
/// only a whole left-most <c>*</c> label is a wildcard and it stands for exactly one label. The
/// subject's common name is never consulted.
/// </summary>
public static class HostnameMatcher
{
    public static HostnameVerdict Check(CertificateFacts certificate, string host)
    {
        var name = host.Trim();
        if (name.StartsWith('[') && name.EndsWith(']'))
            name = name[1..^1];

        if (IsIpLiteral(name) && IPAddress.TryParse(name, out var address))
        {
            foreach (var san in certificate.IpAddresses)
            {
                if (IPAddress.TryParse(san, out var sanAddress) && Normalize(sanAddress).Equals(Normalize(address)))
                    return HostnameVerdict.Match;
            }
            return new(false, certificate.IpAddresses.Count == 0
                ? $"the certificate has no IP SANs, so it is not valid for {name}"
                : $"the certificate is valid for IP {string.Join(", ", certificate.IpAddresses)}, not {name}");
        }

        if (certificate.DnsNames.Count == 0 && certificate.IpAddresses.Count == 0)
            return new(false, "the certificate has no subject alternative names; its common name is not used for name checks");

        var candidate = name.TrimEnd('.').ToLowerInvariant();
        foreach (var pattern in certificate.DnsNames)
        {
            if (MatchesPattern(pattern, candidate))
                return HostnameVerdict.Match;
        }
        return new(false, certificate.DnsNames.Count == 0
            ? $"the certificate has no DNS SANs, so it is not valid for {name}"
            : $"the certificate is valid for {string.Join(", ", certificate.DnsNames)}, not {name}");
    }

    /// <summary>Matches one DNS SAN (already lower-cased host) per RFC 6125 as Go applies it.</summary>
    public static bool MatchesPattern(string pattern, string host)
    {
        pattern = pattern.TrimEnd('.').ToLowerInvariant();
        if (pattern.Length == 0 || host.Length == 0)
            return false;
        // A bare "*" is not a valid name pattern (RFC 6125); Go then compares it literally.
        if (pattern == "*")
            return host == "*";

        var patternLabels = pattern.Split('.');
        var hostLabels = host.Split('.');
        if (patternLabels.Length != hostLabels.Length)
            return false;

        for (var i = 0; i < patternLabels.Length; i++)
        {
            // The wildcard is allowed only as the entire left-most label, and never matches an empty label.
            if (i == 0 && patternLabels[0] == "*")
            {
                if (hostLabels[0].Length == 0)
                    return false;
                continue;
            }
            if (patternLabels[i] != hostLabels[i])
                return false;
        }
        return true;
    }

    // .NET also parses "10" or "10.1" as addresses; Go (and so kubectl) only dotted quads and IPv6.
    private static bool IsIpLiteral(string name) =>
        name.Contains(':') ? !name.Contains('%') : name.Count(c => c == '.') == 3 && name.All(c => c == '.' || char.IsAsciiDigit(c));

    private static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

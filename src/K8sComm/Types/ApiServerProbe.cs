using Api = K8sComm.Core.Api;
using Tls = K8sComm.Core.Tls;

namespace K8sComm;

/// <summary>What -Probe found when it connected to an API server with the endpoint's own settings.</summary>
public sealed class ApiServerProbe
{
    public bool Reachable { get; init; }
    public string? TlsVersion { get; init; }

    /// <summary>The protocol the server chose by ALPN (h2, http/1.1).</summary>
    public string? ApplicationProtocol { get; init; }
    public CertificateSummary? ServerCertificate { get; init; }

    /// <summary>What the chain was checked against: the endpoint's CA, the system store, or nothing (skip-verify).</summary>
    public TrustSource? TrustSource { get; init; }

    /// <summary>Whether the presented chain verifies; null when no certificate was seen (plain http, no handshake).</summary>
    public bool? ChainTrusted { get; init; }
    public string? ChainError { get; init; }

    /// <summary>The name the certificate must carry: tls-server-name, else the server's host.</summary>
    public string? ServerName { get; init; }
    public bool? NameMatches { get; init; }
    public string? NameError { get; init; }

    /// <summary>Weak keys or signatures in the presented chain, trusted or not.</summary>
    public ValueList<string> CertificateWeaknesses { get; init; } = ValueList<string>.Empty;

    /// <summary>The endpoint has credentials, but the probe kept them back: the server was not verified, or the connection was plain http.</summary>
    public bool CredentialsWithheld { get; init; }
    public string? ServerVersion { get; init; }
    public ValueList<ServerAddressByClientCidr> ServerAddressByClientCIDRs { get; init; } = ValueList<ServerAddressByClientCidr>.Empty;
    public bool? Live { get; init; }
    public bool? Ready { get; init; }
    public AnonymousAccess AnonymousAccess { get; init; }
    public string? Identity { get; init; }
    public ValueList<string> Groups { get; init; } = ValueList<string>.Empty;
    public double LatencyMs { get; init; }
    public ValueList<ProbeStep> Steps { get; init; } = ValueList<ProbeStep>.Empty;

    /// <summary>A later connection was shown another certificate than the first; <see cref="ChainTrusted"/>
    /// then tells whether that one was trusted too.</summary>
    public bool CertificateChanged { get; init; }

    /// <summary>Whether trust held, in a few words: reachability, chain, name, anonymous access, version.</summary>
    public override string ToString()
    {
        if (!Reachable)
            return "unreachable";
        var parts = new List<string> { "reachable" };
        if (ChainTrusted is { } chain) parts.Add(chain ? "chain trusted" : "chain NOT trusted");
        if (NameMatches is { } name) parts.Add(name ? "name matches" : "name does NOT match");
        if (CertificateChanged) parts.Add("certificate changed");
        if (AnonymousAccess != AnonymousAccess.Unknown) parts.Add($"anonymous {AnonymousAccess}");
        if (ServerVersion is not null) parts.Add(ServerVersion);
        return Display.Text(string.Join(", ", parts));
    }

    internal static ApiServerProbe From(Api.ProbeResult result) => new()
    {
        Reachable = result.Reachable,
        TlsVersion = result.TlsVersion,
        ApplicationProtocol = result.ApplicationProtocol,
        ServerCertificate = result.ServerCertificate is null ? null : CertificateSummary.From(result.ServerCertificate),
        TrustSource = result.TrustSource is { } source ? Enums.Convert<Tls.TrustSource, TrustSource>(source) : null,
        ChainTrusted = result.ChainTrusted,
        ChainError = Message(result.ChainError),
        ServerName = result.ServerName,
        NameMatches = result.NameMatches,
        NameError = Message(result.NameError),
        CertificateWeaknesses = new(result.CertificateWeaknesses),
        CredentialsWithheld = result.CredentialsWithheld,
        ServerVersion = result.ServerVersion,
        ServerAddressByClientCIDRs = new(result.ServerAddressByClientCidrs
            .Select(row => new ServerAddressByClientCidr(row.ClientCidr, row.ServerAddress))),
        Live = result.Live,
        Ready = result.Ready,
        AnonymousAccess = Enums.Convert<Api.AnonymousAccess, AnonymousAccess>(result.AnonymousAccess),
        Identity = result.Identity?.UserName,
        Groups = new(result.Identity?.Groups ?? []),
        LatencyMs = Math.Round(result.Latency.TotalMilliseconds, 1),
        Steps = new(result.Steps.Select(ProbeStep.From)),
        CertificateChanged = result.CertificateChanged,
    };

    // Sentences built from what a server sent (names, Status messages): shown, so made safe to show.
    internal static string? Message(string? text) => text is null ? null : Display.Text(text);
}

/// <summary>One row of /api's serverAddressByClientCIDRs: which address clients in a range should use.</summary>
public sealed record ServerAddressByClientCidr(string ClientCIDR, string ServerAddress)
{
    public override string ToString() => Display.Text($"{ClientCIDR} -> {ServerAddress}");
}

/// <summary>One step of a probe and how it ended.</summary>
public sealed class ProbeStep
{
    public string Name { get; init; } = "";
    public ProbeStepStatus Status { get; init; }
    public string? Error { get; init; }
    public double ElapsedMs { get; init; }

    public override string ToString() => Display.Text(Error is null ? $"{Name}: {Status}" : $"{Name}: {Status} ({Error})");

    internal static ProbeStep From(Api.ProbeStep step) => new()
    {
        Name = step.Name,
        Status = Enums.Convert<Api.ProbeStepStatus, ProbeStepStatus>(step.Status),
        Error = ApiServerProbe.Message(step.Error),
        ElapsedMs = Math.Round(step.Elapsed.TotalMilliseconds, 1),
    };
}

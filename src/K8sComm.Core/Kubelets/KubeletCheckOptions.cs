using K8sComm.Core.Tls;

namespace K8sComm.Core.Kubelets;

/// <summary>The CA bundle kubelets are judged by, and where it came from (for the result to say).</summary>
/// <param name="Source">"--certificate-authority /etc/kubernetes/pki/ca.crt", "cluster CA of context 'prod'" ...</param>
public sealed record KubeletAuthority(ChainValidator Validator, string Source)
{
    /// <summary>The subjects of the bundle's certificates.</summary>
    public IReadOnlyList<string> Subjects { get; } =
        Validator.Authorities.Select(ca => CertificateReader.FormatName(ca.SubjectDN)).ToArray();

    /// <exception cref="K8sCommException">CertificateDataInvalid when the bundle can't be read.</exception>
    public static KubeletAuthority FromBundle(ReadOnlySpan<byte> pem, string source) =>
        new(ChainValidator.FromBundle(pem, source), source);
}

/// <summary>What a kubelet check looks at and how long it may take.</summary>
public sealed record KubeletCheckOptions
{
    public required KubeletAuthority Authority { get; init; }

    /// <summary>A certificate that expires in fewer days than this is a finding.</summary>
    public int WarningDays { get; init; } = 30;

    /// <summary>Send an anonymous <c>GET /pods</c> to see whether the kubelet API is closed to strangers.</summary>
    public bool CheckAuthentication { get; init; }

    /// <summary>See whether the plain-HTTP read-only port serves <c>/pods</c>.</summary>
    public bool CheckReadOnlyPort { get; init; }

    /// <summary>Bounds everything for one kubelet: connect, handshake and the optional requests.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

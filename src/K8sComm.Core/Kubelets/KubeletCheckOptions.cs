using K8sComm.Core.Discovery;
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

    /// <summary>A PEM bundle file; the result names the path.</summary>
    /// <exception cref="K8sCommException">CertificateDataInvalid when it can't be read.</exception>
    public static KubeletAuthority FromFile(string path) =>
        FromBundle(CertificateMaterial.ReadFile(path, "CertificateAuthority"), path);

    /// <summary>PEM text, or base64 of it as kubeconfig's certificate-authority-data holds it.</summary>
    /// <exception cref="K8sCommException">CertificateDataInvalid when it can't be read.</exception>
    public static KubeletAuthority FromData(string data, string source = "-CertificateAuthorityData") =>
        FromBundle(data.Contains("-----BEGIN", StringComparison.Ordinal)
            ? System.Text.Encoding.ASCII.GetBytes(data)
            : CertificateMaterial.DecodeData(data, "CertificateAuthorityData"), source);

    /// <summary>The CA an API server endpoint trusts (its kubeconfig cluster, or the pod's ca.crt): the
    /// usual choice, since --kubelet-certificate-authority is most often the cluster CA.</summary>
    /// <exception cref="K8sCommException">KubeletCertificateAuthorityMissing when the endpoint has none.</exception>
    public static KubeletAuthority FromEndpoint(ResolvedEndpoint endpoint)
    {
        var source = endpoint.Context is { Length: > 0 } context
            ? $"{endpoint.CertificateAuthority.Source} (context {context})"
            : endpoint.CertificateAuthority.Source;
        if (endpoint.Credentials.CertificateAuthorityData is not { Length: > 0 } data)
        {
            throw new K8sCommException(FailureReason.KubeletCertificateAuthorityMissing,
                $"There is no CA bundle to judge kubelet certificates by: {source} names no certificate authority.", source, [source]);
        }
        return FromBundle(data, source);
    }
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

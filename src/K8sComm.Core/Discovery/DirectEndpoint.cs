using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Core.Discovery;

/// <summary>A connection given directly, without a kubeconfig: a server URL and its own credentials.</summary>
public sealed record DirectEndpointRequest
{
    public required Uri Server { get; init; }

    /// <summary>A bearer token; kept inside the endpoint's credentials, never shown.</summary>
    public string? Token { get; init; }

    /// <summary>A PEM bundle file of the CA that signs the server's certificate.</summary>
    public string? CertificateAuthorityFile { get; init; }

    /// <summary>The same bundle as base64 (as kubeconfig's certificate-authority-data) or PEM text.</summary>
    public string? CertificateAuthorityData { get; init; }

    /// <summary>A client certificate with its private key.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public string? Namespace { get; init; }
}

/// <summary>
/// Builds the endpoint of a <see cref="DirectEndpointRequest"/> with the same facts and findings a
/// kubeconfig context of the same settings would have, so every cmdlet treats the two alike.
/// </summary>
public static class DirectEndpoint
{
    private const string CaFileField = "CertificateAuthority";
    private const string CaDataField = "CertificateAuthorityData";

    /// <exception cref="K8sCommException">ServerInvalid, CertificateDataInvalid.</exception>
    public static ResolvedEndpoint Create(DirectEndpointRequest request, TimeProvider? clock = null)
    {
        var server = request.Server;
        if (!server.IsAbsoluteUri || server.Scheme is not ("https" or "http") || server.Host.Length == 0)
        {
            var shown = server.IsAbsoluteUri ? server.GetLeftPart(UriPartial.Authority) : server.OriginalString;
            throw new K8sCommException(FailureReason.ServerInvalid, $"'{shown}' is not an http(s) URL of an API server.",
                shown, [shown, "-Server", "is not an http(s) URL"]);
        }

        var (caBytes, caSource, caField) = request switch
        {
            { CertificateAuthorityData: { } data } => (DecodeData(data), "certificate-authority-data", CaDataField),
            { CertificateAuthorityFile: { } file } => (CertificateMaterial.ReadFile(file, CaFileField), file, CaFileField),
            _ => (null, "none", ""),
        };
        var authority = new CertificateAuthorityInfo(caSource, caBytes is null ? null : CertificateMaterial.ReadBundle(caBytes, caField));

        var methods = new List<AuthenticationMethod>();
        if (request.ClientCertificate is { HasPrivateKey: false })
            throw CertificateMaterial.Invalid("ClientCertificate", "has no private key: a client certificate needs its key to prove who we are");
        if (request.ClientCertificate is { } certificate)
            methods.Add(new(AuthenticationKind.ClientCertificate, "ClientCertificate", certificate.Subject, certificate.NotAfter.ToUniversalTime()));
        if (!string.IsNullOrEmpty(request.Token))
            methods.Add(new(AuthenticationKind.Token));

        return new ResolvedEndpoint
        {
            Context = null,
            Cluster = null,
            User = null,
            Namespace = string.IsNullOrEmpty(request.Namespace) ? "default" : request.Namespace,
            Server = server,
            Source = EndpointSource.Direct,
            CertificateAuthority = authority,
            Authentication = methods,
            Findings = EndpointFindings.Evaluate(server, insecureSkipTlsVerify: false, caBytes is not null, methods,
                (clock ?? TimeProvider.System).GetUtcNow()),
            Credentials = new EndpointCredentials
            {
                CertificateAuthorityData = caBytes,
                BearerToken = string.IsNullOrEmpty(request.Token) ? null : request.Token,
                ClientCertificate = request.ClientCertificate,
            },
        };
    }

    // PEM pasted as text is as common as base64 of it; take either.
    private static byte[] DecodeData(string data) =>
        data.Contains("-----BEGIN", StringComparison.Ordinal)
            ? System.Text.Encoding.ASCII.GetBytes(data)
            : CertificateMaterial.DecodeData(data, CaDataField);
}

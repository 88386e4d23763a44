using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using K8sComm.Sandbox.Pki;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>The generated PKI and the files written for clients.</summary>
public sealed class PkiAndFilesTests(SecureClusterFixture fixture) : IClassFixture<SecureClusterFixture>
{
    private SandboxCluster Cluster => fixture.Cluster;

    [Fact]
    public void ApiServerCertificateCoversEveryInClusterName()
    {
        var names = TestPki.SubjectAlternativeNames(Cluster.Pki.ApiServerCertificate);
        Assert.Equal(
            new[] { "DNS:localhost", "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc",
                "DNS:kubernetes.default.svc.cluster.local", "IP:127.0.0.1", "IP:::1" }.Order(),
            names.Order());
        Assert.True(TestPki.ChainsTo(Cluster.Pki.ApiServerCertificate, Cluster.Pki.CertificateAuthority));
    }

    [Fact]
    public void AdminAndKubeletClientCertificatesAreClusterIssued()
    {
        var admin = Cluster.Pki.AdminClientCertificate;
        Assert.Equal("sandbox-admin", admin.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Contains("O=system:masters", admin.Subject);
        Assert.True(Cluster.Pki.IsIssuedByCluster(admin));
        Assert.True(Cluster.Pki.IsIssuedByCluster(Cluster.Pki.KubeletClientCertificate));
        Assert.False(Cluster.Pki.IsIssuedByCluster(Cluster.Pki.ApiServerCertificate)); // a serving certificate is not a client one
    }

    [Theory]
    [InlineData(KeyKind.EcdsaP256, "ES256")]
    [InlineData(KeyKind.Rsa2048, "RS256")]
    public void ServiceAccountTokensCarryTheKubernetesClaims(KeyKind key, string algorithm)
    {
        using var issuer = new ServiceAccountTokenIssuer(key);
        var token = issuer.Issue("team-a", "builder");
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64Url(parts[0]))!;
        var claims = JsonNode.Parse(Base64Url(parts[1]))!;
        Assert.Equal(algorithm, header["alg"]!.GetValue<string>());
        Assert.Equal("system:serviceaccount:team-a:builder", claims["sub"]!.GetValue<string>());
        Assert.Equal(ServiceAccountTokenIssuer.Issuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(ServiceAccountTokenIssuer.Audience, claims["aud"]![0]!.GetValue<string>());
        Assert.True(claims["exp"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("team-a", claims["kubernetes.io"]!["namespace"]!.GetValue<string>());
        Assert.Equal("builder", claims["kubernetes.io"]!["serviceaccount"]!["name"]!.GetValue<string>());

        var identity = issuer.Validate(token);
        Assert.Equal(("team-a", "builder"), (identity!.Namespace, identity.Name));
        issuer.Revoke(token);
        Assert.Null(issuer.Validate(token));
        Assert.Null(issuer.Validate(issuer.Issue("a", "b", TimeSpan.FromSeconds(-30)))); // expired
    }

    private static string Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4)));
    }

    [Fact]
    public void CertificateFactoryHonoursTheSpec()
    {
        using var ca = CertificateFactory.CreateAuthority("spec-ca", KeyKind.Rsa2048);
        var notAfter = DateTimeOffset.UtcNow.AddDays(-1);
        using var expired = CertificateFactory.Issue(ca, new CertificateSpec("CN=old")
        {
            ServerAuth = true, Key = KeyKind.Rsa1024, DnsNames = ["a.example"], IpAddresses = [IPAddress.Parse("10.0.0.1")],
            NotBefore = notAfter.AddDays(-10), NotAfter = notAfter,
        });
        Assert.Equal(1024, expired.GetRSAPublicKey()!.KeySize);
        Assert.Equal("1.2.840.113549.1.1.11", expired.SignatureAlgorithm.Value); // sha256WithRSAEncryption
        Assert.True(TestPki.ChainsTo(expired, ca, ignoreTime: true));
        Assert.True(expired.NotAfter.ToUniversalTime() < DateTime.UtcNow);
        Assert.Equal(["DNS:a.example", "IP:10.0.0.1"], TestPki.SubjectAlternativeNames(expired));
        Assert.True(expired.HasPrivateKey);
    }

    [Fact]
    public void ServiceAccountDirectoryLooksLikeAPodsMount()
    {
        var directory = Cluster.Files.ServiceAccountDirectory;
        Assert.Equal("default", File.ReadAllText(Path.Combine(directory, "namespace")));
        Assert.Equal(Cluster.CaCertificatePem, File.ReadAllText(Path.Combine(directory, "ca.crt")));
        var identity = Cluster.Pki.ServiceAccountTokens.Validate(File.ReadAllText(Path.Combine(directory, "token")));
        Assert.Equal("system:serviceaccount:default:default", identity!.UserName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "token")));
        }

        var other = Cluster.WriteServiceAccountDirectory("team-b", "deployer");
        Assert.Equal("team-b", File.ReadAllText(Path.Combine(other, "namespace")));
        Assert.StartsWith(Cluster.WorkDirectory, other);
    }

    [Fact]
    public void InClusterEnvironmentPointsAtTheApiServer()
    {
        Assert.Equal("127.0.0.1", Cluster.InClusterEnvironment["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal(Cluster.ApiServerPort.ToString(), Cluster.InClusterEnvironment["KUBERNETES_SERVICE_PORT"]);
    }

    [Fact]
    public void FilesAreAbsoluteAndInsideTheWorkDirectory()
    {
        var files = Cluster.Files;
        string[] all = [files.CaBundle, files.CertificateKubeconfig, files.TokenKubeconfig, files.InsecureKubeconfig,
            files.MultiContextKubeconfig, files.ServiceAccountDirectory, files.AdminCertificate, files.AdminKey, .. files.SplitKubeconfig];
        Assert.All(all, f =>
        {
            Assert.True(Path.IsPathFullyQualified(f), f);
            Assert.StartsWith(Cluster.WorkDirectory, f);
            Assert.True(File.Exists(f) || Directory.Exists(f), f);
        });
        Assert.Equal(3, files.SplitKubeconfig.Length);
        Assert.Equal(3, files.SplitKubeconfig.Select(Path.GetDirectoryName).Distinct().Count()); // relative paths from different folders
        Assert.Contains("insecure-skip-tls-verify: true", File.ReadAllText(files.InsecureKubeconfig));
        Assert.DoesNotContain("certificate-authority", File.ReadAllText(files.InsecureKubeconfig));
        Assert.Equal(Cluster.CaCertificatePem, File.ReadAllText(files.CaBundle));
    }
}

/// <summary>Secrets stay out of every ToString.</summary>
public sealed class SecretHygieneTests(SecureClusterFixture fixture) : IClassFixture<SecureClusterFixture>
{
    [Fact]
    public void NoTokenOrKeyInAnyToString()
    {
        var cluster = fixture.Cluster;
        var saToken = File.ReadAllText(Path.Combine(cluster.Files.ServiceAccountDirectory, "token"));
        var keyPem = File.ReadAllText(cluster.Files.AdminKey);
        var keyBody = keyPem.Split('\n')[1];
        var user = new K8sComm.Sandbox.Files.KubeconfigUser("u") { Token = saToken, ClientKeyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(keyPem)) };
        var access = new K8sComm.Sandbox.Files.ClusterAccess(cluster.ApiServerUri, cluster.Pki, cluster.AdminToken, "default", "default", saToken);
        var kubeconfig = new K8sComm.Sandbox.Files.Kubeconfig { Users = [user] };

        foreach (var text in new[] { cluster.ToString(), cluster.Options.ToString(), cluster.Files.ToString(), user.ToString(),
                     access.ToString(), kubeconfig.ToString(), cluster.Pki.ToString()! })
        {
            Assert.DoesNotContain(cluster.AdminToken, text);
            Assert.DoesNotContain(saToken, text);
            Assert.DoesNotContain(keyBody, text);
            Assert.DoesNotContain(user.ClientKeyData!, text);
        }
    }
}

using K8sComm.Core.Discovery;

using Xunit;

namespace K8sComm.Core.Tests.Discovery;

public sealed class EndpointResolverTests
{
    private static Kubeconfig Parse(string yaml, string path = "/kube/config") => KubeconfigLoader.Parse(path, yaml);

    private static string Single(string cluster, string user = "", string context = "") => $"""
        current-context: c
        contexts: [{"{"}name: c, context: {"{"}cluster: k, user: u{context}{"}}"}]
        clusters:
        - name: k
          cluster:
        {Indent(cluster)}
        users:
        - name: u
          user:
        {Indent(user.Length == 0 ? "{}" : user)}
        """;

    private static string Indent(string block) =>
        string.Join('\n', block.Split('\n').Select(line => "    " + line));

    [Fact]
    public void CertificateAuthorityDataIsDescribedAndKeptForTheProbe()
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single($"server: https://k:6443\ncertificate-authority-data: {TestPki.CaBase64}")));

        Assert.Equal("certificate-authority-data", endpoint.CertificateAuthority.Source);
        Assert.Equal(TestPki.Ca.Subject, endpoint.CertificateAuthority.Certificate!.Subject);
        Assert.Equal(TestPki.Ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), endpoint.CertificateAuthority.Certificate.Sha256Fingerprint);
        Assert.Equal(TestPki.Ca.NotAfter.ToUniversalTime(), endpoint.CertificateAuthority.Certificate.NotAfter.UtcDateTime);
        Assert.True(endpoint.CertificateAuthority.Certificate.IsCertificateAuthority);
        Assert.Equal(TestPki.CaPem, System.Text.Encoding.ASCII.GetString(endpoint.Credentials.CertificateAuthorityData!));
        Assert.DoesNotContain(endpoint.Findings, f => f.Id == FindingIds.CertificateAuthorityMissing);
    }

    [Fact]
    public void CaBundleReportsTheFirstCertificateAndKeepsAllBytes()
    {
        var other = TestPki.CreateCa("second-ca").Certificate.ExportCertificatePem();
        using var dir = new TempDirectory();
        var bundle = dir.Write("bundle.pem", TestPki.CaPem + "\n" + other);
        var endpoint = new EndpointResolver().Resolve(Parse(Single("server: https://k\ncertificate-authority: bundle.pem"), dir.Combine("config")));

        Assert.Equal(bundle, endpoint.CertificateAuthority.Source);
        Assert.Equal("CN=test-ca", endpoint.CertificateAuthority.Certificate!.Subject);
        Assert.Equal(File.ReadAllBytes(bundle), endpoint.Credentials.CertificateAuthorityData);
    }

    [Fact]
    public void DerCertificateAuthorityFileIsRead()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("ca.der"), TestPki.Ca.RawData);
        var endpoint = new EndpointResolver().Resolve(Parse(Single("server: https://k\ncertificate-authority: ca.der"), dir.Combine("config")));

        Assert.Equal("CN=test-ca", endpoint.CertificateAuthority.Certificate!.Subject);
    }

    [Fact]
    public void DataWinsOverFileAsInClientGo()
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single($"server: https://k\ncertificate-authority: /nonexistent/ca.crt\ncertificate-authority-data: {TestPki.CaBase64}")));

        Assert.Equal("certificate-authority-data", endpoint.CertificateAuthority.Source);
    }

    [Fact]
    public void ClientCertificateIsLoadedWithItsKeyAndDescribed()
    {
        var notAfter = DateTimeOffset.UtcNow.AddDays(200);
        var (cert, key) = TestPki.CreateClient("alice", notAfter);
        var endpoint = new EndpointResolver().Resolve(Parse(Single(
            "server: https://k",
            $"client-certificate-data: {TestPki.Base64(cert)}\nclient-key-data: {TestPki.Base64(key)}")));

        var method = Assert.Single(endpoint.Authentication);
        Assert.Equal(AuthenticationKind.ClientCertificate, method.Kind);
        Assert.Equal("CN=alice, O=system:masters", method.Subject);
        Assert.Equal(notAfter.ToUnixTimeSeconds(), method.NotAfter!.Value.ToUnixTimeSeconds());
        Assert.True(endpoint.Credentials.HasClientCertificate);
        Assert.True(endpoint.Credentials.ClientCertificate!.HasPrivateKey);
    }

    [Fact]
    public void ClientCertificateFilesResolveAgainstTheirKubeconfig()
    {
        using var dir = new TempDirectory();
        var (cert, key) = TestPki.CreateClient("bob", DateTimeOffset.UtcNow.AddDays(90));
        dir.Write("pki/bob.crt", cert);
        dir.Write("pki/bob.key", key);
        var config = dir.Write("conf/config", Single("server: https://k", "client-certificate: ../pki/bob.crt\nclient-key: ../pki/bob.key"));

        var endpoint = new EndpointResolver().Resolve(KubeconfigLoader.Load([config]));

        var method = Assert.Single(endpoint.Authentication);
        Assert.Equal(Path.Combine(dir.Path, "conf", "../pki/bob.crt"), method.Detail);
        Assert.Equal("CN=bob, O=system:masters", method.Subject);
    }

    [Fact]
    public void EachAuthenticationMethodIsListedWithoutItsSecret()
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single(
            "server: https://k",
            """
            token: resolver-secret-token
            username: admin
            password: resolver-secret-password
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: aws
              args: [eks, get-token, --cluster-name, prod]
              env: [{name: AWS_PROFILE, value: resolver-secret-env}]
            auth-provider:
              name: oidc
              config: {id-token: resolver-secret-id-token}
            """)));

        Assert.Equal(
            [
                new AuthenticationMethod(AuthenticationKind.Token),
                new AuthenticationMethod(AuthenticationKind.Exec, "aws eks get-token --cluster-name prod"),
                new AuthenticationMethod(AuthenticationKind.AuthProvider, "oidc"),
                new AuthenticationMethod(AuthenticationKind.Basic, "admin"),
            ],
            endpoint.Authentication);
        Assert.Equal("resolver-secret-token", endpoint.Credentials.BearerToken);
        Assert.Equal("resolver-secret-password", endpoint.Credentials.BasicPassword);
    }

    [Fact]
    public void TokenFileIsReportedWithItsResolvedPath()
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single("server: https://k", "tokenFile: tokens/sa"), "/etc/kube/config"));

        Assert.Equal(new AuthenticationMethod(AuthenticationKind.TokenFile, Path.Combine("/etc/kube", "tokens/sa")), Assert.Single(endpoint.Authentication));
        Assert.Equal(Path.Combine("/etc/kube", "tokens/sa"), endpoint.Credentials.BearerTokenFile);
    }

    [Fact]
    public void RelativeExecCommandResolvesOnlyWhenItIsAPath()
    {
        var onPath = new EndpointResolver().Resolve(Parse(Single("server: https://k", "exec: {command: kubelogin}"), "/etc/kube/config"));
        var relative = new EndpointResolver().Resolve(Parse(Single("server: https://k", "exec: {command: ./bin/login}"), "/etc/kube/config"));

        Assert.Equal("kubelogin", onPath.Authentication[0].Detail);
        Assert.Equal(Path.Combine("/etc/kube", "./bin/login"), relative.Authentication[0].Detail);
    }

    [Fact]
    public void TlsServerNameProxyUrlAndSkipVerifyAreReported()
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single(
            "server: https://[2001:db8::7]:6443\ntls-server-name: kubernetes.default\nproxy-url: socks5://127.0.0.1:1080\ninsecure-skip-tls-verify: true")));

        Assert.Equal("kubernetes.default", endpoint.TlsServerName);
        Assert.Equal(new Uri("socks5://127.0.0.1:1080"), endpoint.ProxyUrl);
        Assert.True(endpoint.InsecureSkipTlsVerify);
        Assert.Equal("[2001:db8::7]", endpoint.Host);
        Assert.Equal(6443, endpoint.Port);
        Assert.Equal("/kube/config", endpoint.SourceFile);
        Assert.Equal(FindingIds.InsecureSkipTlsVerify, Assert.Single(endpoint.Findings).Id);
    }

    [Theory]
    [InlineData("server: http://k:8080", "token: t", new[] { FindingIds.PlainHttp, FindingIds.TokenOverPlainHttp })]
    [InlineData("server: http://k:8080", "", new[] { FindingIds.PlainHttp })]
    [InlineData("server: https://k", "", new[] { FindingIds.CertificateAuthorityMissing })]
    [InlineData("server: https://k\ninsecure-skip-tls-verify: true", "", new[] { FindingIds.InsecureSkipTlsVerify })]
    [InlineData("server: https://k\ninsecure-skip-tls-verify: true", "username: a\npassword: p", new[] { FindingIds.InsecureSkipTlsVerify, FindingIds.BasicAuth })]
    [InlineData("server: https://k\ninsecure-skip-tls-verify: true\ncertificate-authority-data: CA", "", new[] { FindingIds.InsecureSkipTlsVerify, FindingIds.InsecureWithCertificateAuthority })]
    public void FindingsFollowTheSettings(string cluster, string user, string[] expected)
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single(cluster.Replace("data: CA", "data: " + TestPki.CaBase64), user)));

        Assert.Equal(expected, endpoint.Findings.Select(f => f.Id));
        Assert.All(endpoint.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    [Theory]
    [InlineData(200, null, null)]
    [InlineData(31, null, null)]
    [InlineData(29, FindingIds.ClientCertificateExpiring, FindingSeverity.Medium)]
    [InlineData(-3, FindingIds.ClientCertificateExpired, FindingSeverity.High)]
    public void ClientCertificateExpiryIsJudgedAgainstTheClock(int daysLeft, string? expectedId, FindingSeverity? expectedSeverity)
    {
        var now = DateTimeOffset.UtcNow;
        var (cert, key) = TestPki.CreateClient("carol", now.AddDays(daysLeft));
        var config = Parse(Single($"server: https://k\ncertificate-authority-data: {TestPki.CaBase64}",
            $"client-certificate-data: {TestPki.Base64(cert)}\nclient-key-data: {TestPki.Base64(key)}"));

        var endpoint = new EndpointResolver(new FixedClock(now)).Resolve(config);

        var finding = endpoint.Findings.SingleOrDefault(f => f.Id.StartsWith("ClientCertificate", StringComparison.Ordinal));
        Assert.Equal(expectedId, finding?.Id);
        Assert.Equal(expectedSeverity, finding?.Severity);
    }

    [Fact]
    public void MissingUserIsAnonymousWithALowFinding()
    {
        var config = Parse("""
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: ghost}}]
            clusters: [{name: k, cluster: {server: "https://k", insecure-skip-tls-verify: true}}]
            """);

        var endpoint = new EndpointResolver().Resolve(config);

        Assert.Empty(endpoint.Authentication);
        Assert.Contains(endpoint.Findings, f => f is { Id: FindingIds.UserNotFound, Severity: FindingSeverity.Low });
        Assert.Equal(FindingIds.InsecureSkipTlsVerify, endpoint.Findings[0].Id);
    }

    [Theory]
    [InlineData("k:6443", "", "http://k:6443/")]
    [InlineData("k:6443", "insecure-skip-tls-verify: true", "https://k:6443/")]
    public void ServerWithoutSchemeGetsClientGosDefault(string server, string extra, string expected)
    {
        var endpoint = new EndpointResolver().Resolve(Parse(Single($"server: {server}\n{extra}")));

        Assert.Equal(new Uri(expected), endpoint.Server);
    }

    [Fact]
    public void ResolveAllKeepsGoingPastABrokenContext()
    {
        var config = Parse("""
            contexts:
            - {name: good, context: {cluster: k}}
            - {name: broken, context: {cluster: nowhere}}
            clusters: [{name: k, cluster: {server: "https://k"}}]
            """);

        var all = new EndpointResolver().ResolveAll(config);

        Assert.Equal(["broken", "good"], all.Select(r => r.Context));
        Assert.Equal(FailureReason.ClusterNotFound, all[0].Error!.Reason);
        Assert.Null(all[0].Endpoint);
        Assert.Equal("https://k", all[1].Endpoint!.Server.OriginalString);
    }

    [Fact]
    public void ResolveAllStopsWhenCancelled()
    {
        var config = Parse(Single("server: https://k"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => new EndpointResolver().ResolveAll(config, cancelled.Token));
    }
}

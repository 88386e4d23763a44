using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

public sealed class InClusterResolverTests
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.in-cluster-SECRET.sig";

    private static Dictionary<string, string?> Pod(string host = "10.96.0.1", string port = "443") => new()
    {
        [InClusterResolver.HostVariable] = host,
        [InClusterResolver.PortVariable] = port,
    };

    private static TempDirectory ServiceAccount(string? ns = "team-a", bool ca = true, bool token = true)
    {
        var dir = new TempDirectory();
        if (token) dir.Write("token", Token);
        if (ca) dir.Write("ca.crt", TestPki.CaPem);
        if (ns is not null) dir.Write("namespace", ns);
        return dir;
    }

    [Theory]
    [InlineData("10.96.0.1", "443", true)]
    [InlineData("kubernetes.default.svc", "6443", true)]
    [InlineData("", "443", false)]
    [InlineData("10.96.0.1", "", false)]
    [InlineData(null, "443", false)]
    public void IsAvailableNeedsBothVariables(string? host, string? port, bool expected)
    {
        var env = new Dictionary<string, string?>();
        if (host is not null) env[InClusterResolver.HostVariable] = host;
        if (port is not null) env[InClusterResolver.PortVariable] = port;

        Assert.Equal(expected, InClusterResolver.IsAvailable(env));
    }

    [Theory]
    [InlineData("10.96.0.1", "443", "https://10.96.0.1/", "10.96.0.1")]
    [InlineData("fd00:10:96::1", "443", "https://[fd00:10:96::1]/", "[fd00:10:96::1]")]
    [InlineData("::1", "6443", "https://[::1]:6443/", "[::1]")]
    [InlineData("kubernetes.default.svc", "8443", "https://kubernetes.default.svc:8443/", "kubernetes.default.svc")]
    public void ServerIsHttpsHostPortWithIpv6Bracketed(string host, string port, string expected, string expectedHost)
    {
        using var sa = ServiceAccount();

        var endpoint = InClusterResolver.Resolve(Pod(host, port), sa.Path);

        Assert.Equal(new Uri(expected), endpoint.Server);
        Assert.Equal(expectedHost, endpoint.Host);
        Assert.Equal(int.Parse(port), endpoint.Port);
    }

    [Fact]
    public void ServiceAccountDirectorySuppliesCaTokenFileAndNamespace()
    {
        using var sa = ServiceAccount(ns: "  team-a \n");

        var endpoint = InClusterResolver.Resolve(Pod(), sa.Path);

        Assert.Equal(EndpointSource.InCluster, endpoint.Source);
        Assert.Equal("team-a", endpoint.Namespace);
        Assert.Equal(sa.Combine("ca.crt"), endpoint.CertificateAuthority.Source);
        Assert.Equal("CN=test-ca", endpoint.CertificateAuthority.Certificate!.Subject);
        Assert.Equal(File.ReadAllBytes(sa.Combine("ca.crt")), endpoint.Credentials.CertificateAuthorityData);
        Assert.Equal(new AuthenticationMethod(AuthenticationKind.TokenFile, sa.Combine("token")), Assert.Single(endpoint.Authentication));
        Assert.Equal(sa.Combine("token"), endpoint.Credentials.BearerTokenFile);
        Assert.Null(endpoint.Credentials.BearerToken);
        Assert.Empty(endpoint.Findings);
        Assert.Equal(sa.Path, endpoint.SourceFile);
        Assert.DoesNotContain(Token, endpoint.ToString());
    }

    [Theory]
    [InlineData(null, null, "default")]
    [InlineData("", null, "default")]
    [InlineData(" \n", null, "default")]
    [InlineData("from-file", "from-env", "from-env")]
    [InlineData("from-file", "", "from-file")]
    public void NamespaceComesFromPodNamespaceThenTheFileThenDefault(string? file, string? env, string expected)
    {
        using var sa = ServiceAccount(ns: file);
        var pod = Pod();
        if (env is not null) pod[InClusterResolver.PodNamespaceVariable] = env;

        Assert.Equal(expected, InClusterResolver.Resolve(pod, sa.Path).Namespace);
    }

    [Fact]
    public void MissingCaFallsBackToTheSystemStoreWithAFinding()
    {
        using var sa = ServiceAccount(ca: false);

        var endpoint = InClusterResolver.Resolve(Pod(), sa.Path);

        Assert.Equal("none", endpoint.CertificateAuthority.Source);
        Assert.Null(endpoint.Credentials.CertificateAuthorityData);
        Assert.Equal(FindingIds.CertificateAuthorityMissing, Assert.Single(endpoint.Findings).Id);
    }

    [Fact]
    public void MissingEnvironmentIsNotInPodNamingTheVariables()
    {
        using var sa = ServiceAccount();

        var error = Assert.Throws<K8sCommException>(() => InClusterResolver.Resolve(new Dictionary<string, string?>(), sa.Path));

        Assert.Equal(FailureReason.NotInPod, error.Reason);
        Assert.Equal([$"{InClusterResolver.HostVariable}, {InClusterResolver.PortVariable}"], error.Arguments);
    }

    [Fact]
    public void NoEnvironmentAndNoTokenIsNotInPodNamingAllThree()
    {
        using var sa = ServiceAccount(token: false);
        var environment = new Dictionary<string, string?> { [InClusterResolver.HostVariable] = "10.96.0.1" };

        var error = Assert.Throws<K8sCommException>(() => InClusterResolver.Resolve(environment, sa.Path));

        Assert.Equal(FailureReason.NotInPod, error.Reason);
        Assert.Equal([$"{InClusterResolver.PortVariable}, {sa.Combine("token")}"], error.Arguments);
        Assert.Contains(sa.Combine("token"), error.Message);
    }

    [Fact]
    public void AnApiServerGivenExplicitlyNeedsNoVariables()
    {
        using var sa = ServiceAccount();

        var endpoint = InClusterResolver.Resolve(new Dictionary<string, string?>(), sa.Path, apiServer: new Uri("https://kubernetes.default.svc"));

        Assert.Equal(new Uri("https://kubernetes.default.svc"), endpoint.Server);
        Assert.Equal(sa.Combine("token"), endpoint.Credentials.BearerTokenFile);
    }

    [Fact]
    public void MissingTokenIsServiceAccountNotFound()
    {
        using var sa = ServiceAccount(token: false);

        var error = Assert.Throws<K8sCommException>(() => InClusterResolver.Resolve(Pod(), sa.Path));

        Assert.Equal(FailureReason.ServiceAccountNotFound, error.Reason);
        Assert.Equal([sa.Combine("token")], error.Arguments);
    }

    [Fact]
    public void UnreadableCaNamesTheFile()
    {
        using var sa = ServiceAccount();
        sa.Write("ca.crt", "not a certificate");

        var error = Assert.Throws<K8sCommException>(() => InClusterResolver.Resolve(Pod(), sa.Path));

        Assert.Equal(FailureReason.CertificateDataInvalid, error.Reason);
        Assert.Equal(sa.Combine("ca.crt"), error.Arguments[0]);
    }
}

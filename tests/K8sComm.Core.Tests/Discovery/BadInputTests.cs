using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>Each failure names what the user must fix (file and line, field, available contexts) and nothing secret.</summary>
public sealed class BadInputTests
{
    private static K8sCommException Failure(Action action) => Assert.Throws<K8sCommException>(action);

    [Fact]
    public void NoKubeconfigAnywhereSaysWhereItLooked()
    {
        using var dir = new TempDirectory();
        var variable = string.Join(Path.PathSeparator, dir.Combine("one"), "", dir.Combine("two"));

        var location = KubeconfigLocator.Locate(null, variable, dir.Combine("home"));
        var error = Failure(() => KubeconfigLoader.Load(location));

        Assert.Equal(FailureReason.KubeconfigNotFound, error.Reason);
        Assert.Equal([dir.Combine("one"), dir.Combine("two")], Assert.IsAssignableFrom<IReadOnlyList<string>>(error.Target));
        Assert.Contains(dir.Combine("one"), error.Arguments[0]);
        Assert.Contains(dir.Combine("two"), error.Arguments[0]);
        Assert.Contains(dir.Combine("two"), error.Message);
    }

    [Fact]
    public void NoKubeconfigInHomeNamesTheDefaultPath()
    {
        using var dir = new TempDirectory();

        var error = Failure(() => KubeconfigLoader.Load(KubeconfigLocator.Locate(null, null, dir.Path)));

        Assert.Equal(FailureReason.KubeconfigNotFound, error.Reason);
        Assert.Equal(Path.Combine(dir.Path, ".kube", "config"), error.Arguments[0]);
    }

    [Fact]
    public void ExplicitMissingFileIsAnErrorEvenWhenOthersExist()
    {
        using var dir = new TempDirectory();
        var present = dir.Write("present", "current-context: x\n");

        var error = Failure(() => KubeconfigLocator.Locate([present, dir.Combine("absent")], present, dir.Path));

        Assert.Equal(FailureReason.KubeconfigNotFound, error.Reason);
        Assert.Equal(dir.Combine("absent"), error.Arguments[0]);
    }

    [Fact]
    public void AKubeconfigThatIsADirectoryIsUnreadableNotMalformed()
    {
        using var dir = new TempDirectory();
        var notAFile = dir.Combine("config.d");
        Directory.CreateDirectory(notAFile);

        var error = Failure(() => KubeconfigLoader.Load([notAFile]));

        Assert.Equal(FailureReason.KubeconfigUnreadable, error.Reason);
        Assert.Equal(notAFile, error.Target);
        Assert.Equal(notAFile, error.Arguments[0]);
        Assert.Contains(notAFile, error.Message);
    }

    [Fact]
    public void UnknownContextListsTheAvailableOnes()
    {
        var config = KubeconfigLoader.Parse("/k/config", """
            contexts: [{name: prod, context: {cluster: k}}, {name: dev, context: {cluster: k}}, {name: Dev, context: {cluster: k}}]
            clusters: [{name: k, cluster: {server: "https://k"}}]
            """);

        var error = Failure(() => new EndpointResolver().Resolve(config, "DEV"));

        Assert.Equal(FailureReason.ContextNotFound, error.Reason);
        Assert.Equal("DEV", error.Target);
        Assert.Equal(["DEV", "Dev, dev, prod"], error.Arguments);
    }

    [Fact]
    public void NoCurrentContextAndNoneAskedFor()
    {
        var config = KubeconfigLoader.Parse("/k/config", "contexts: [{name: a, context: {cluster: k}}]\n");

        var error = Failure(() => new EndpointResolver().Resolve(config));

        Assert.Equal(FailureReason.NoCurrentContext, error.Reason);
        Assert.Equal(["a"], error.Arguments);
    }

    [Fact]
    public void ContextWhoseClusterIsMissing()
    {
        var config = KubeconfigLoader.Parse("/k/config", "current-context: a\ncontexts: [{name: a, context: {cluster: gone}}]\n");

        var error = Failure(() => new EndpointResolver().Resolve(config));

        Assert.Equal(FailureReason.ClusterNotFound, error.Reason);
        Assert.Equal(["a", "gone"], error.Arguments);
    }

    [Theory]
    [InlineData("https://", "has a server that is not an http(s) URL")]
    [InlineData("ftp://k", "has a server that is not an http(s) URL")]
    [InlineData("\"\"", "sets no server")]
    public void ClusterWithoutAUsableServer(string server, string problem)
    {
        var config = KubeconfigLoader.Parse("/k/config", $"current-context: a\ncontexts: [{{name: a, context: {{cluster: k}}}}]\nclusters: [{{name: k, cluster: {{server: {server}}}}}]\n");

        var error = Failure(() => new EndpointResolver().Resolve(config));

        Assert.Equal(FailureReason.ServerInvalid, error.Reason);
        Assert.Equal(["k", "/k/config", problem], error.Arguments);
    }

    /// <summary>Inputs kubectl refuses to load, with the line we must name.</summary>
    public static TheoryData<string, string, int> MalformedInputs() => new()
    {
        { "unclosed flow list", "current-context: a\nclusters: [\n  {name: a\n", 4 },
        { "tab indentation", "clusters:\n\t- name: a\n", 2 },
        { "unquoted number as a name", "current-context: a\ncontexts:\n- name: 10\n  context: {cluster: k}\n", 3 },
        { "unquoted yes as a namespace", "contexts:\n- name: a\n  context:\n    cluster: k\n    namespace: yes\n", 5 },
        { "quoted boolean", "clusters:\n- name: k\n  cluster:\n    server: https://k\n    insecure-skip-tls-verify: \"true\"\n", 5 },
        { "name listed twice in one file", "clusters:\n- name: k\n  cluster: {server: https://a}\n- name: k\n  cluster: {server: https://b}\n", 4 },
        { "clusters is not a list", "clusters: everything\n", 1 },
        { "entry is not a mapping", "users:\n- just-a-name\n", 2 },
        { "document is a list", "- a\n- b\n", 1 },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public void MalformedYamlNamesFileAndLine(string description, string yaml, int line)
    {
        using var dir = new TempDirectory();
        var file = dir.Write("config", yaml);

        var error = Failure(() => KubeconfigLoader.Load([file]));

        Assert.Equal(FailureReason.KubeconfigMalformed, error.Reason);
        Assert.Equal(file, error.Target);
        Assert.Equal(file, error.Arguments[0]);
        Assert.True(line.ToString() == error.Arguments[1], $"{description}: expected line {line}, got {error.Arguments[1]} ({error.Message})");
        Assert.Contains($"line {line}", error.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(MalformedInputs))]
    public void KubectlRejectsTheSameMalformedInputs(string description, string yaml, int line)
    {
        Skip.If(Kubectl.Missing, Kubectl.MissingReason);
        _ = line;
        using var dir = new TempDirectory();
        var file = dir.Write("config", yaml);

        var (code, _, stderr) = Kubectl.Run(dir.Path, new Dictionary<string, string>(), "config", "view", "--kubeconfig", file);

        Assert.True(code != 0, $"{description}: kubectl accepted it");
        Assert.Contains("error loading config file", stderr);
    }

    [Fact]
    public void WellFormedOddsAndEndsLoadLikeKubectl()
    {
        using var dir = new TempDirectory();
        var empty = dir.Write("empty", "");
        var comments = dir.Write("comments", "# nothing here\n");
        var unknown = dir.Write("unknown", "apiVersion: v1\nkind: Config\npreferences: {colors: true}\nextensions: []\nclusters: [{name: k, cluster: {server: https://k, extensions: [{name: x, extension: {}}], disable-compression: true}}]\n");

        var config = KubeconfigLoader.Load([empty, comments, unknown]);

        Assert.Equal(["k"], config.Clusters.Keys);
        Assert.Null(config.CurrentContext);
    }

    public static TheoryData<string, string, string> BadCertificateData() => new()
    {
        { "cluster: {server: https://k, certificate-authority-data: '%%%not-base64%%%'}", "", "clusters[k].certificate-authority-data" },
        { $"cluster: {{server: https://k, certificate-authority-data: {TestPki.Base64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}}}", "", "clusters[k].certificate-authority-data" },
        { $"cluster: {{server: https://k, certificate-authority-data: {TestPki.Base64("plain words")}}}", "", "clusters[k].certificate-authority-data" },
        { "cluster: {server: https://k}", $"client-certificate-data: {TestPki.Base64("garbage")}\n    client-key-data: {TestPki.Base64(Client.Key)}", "users[u].client-certificate-data" },
        { "cluster: {server: https://k}", $"client-certificate-data: {TestPki.Base64(Client.Certificate)}\n    client-key-data: {TestPki.Base64("not a key")}", "users[u].client-key-data" },
        { "cluster: {server: https://k}", $"client-certificate-data: {TestPki.Base64(Client.Certificate)}\n    client-key-data: {TestPki.Base64(Client.Certificate)}", "users[u].client-key-data" },
        { "cluster: {server: https://k}", $"client-certificate-data: {TestPki.Base64(Client.Certificate)}", "users[u].client-key-data" },
    };

    private static readonly (string Certificate, string Key) Client = TestPki.CreateClient("dave", DateTimeOffset.UtcNow.AddDays(60));
    private static readonly (string Certificate, string Key) Other = TestPki.CreateClient("eve", DateTimeOffset.UtcNow.AddDays(60));

    [Theory]
    [MemberData(nameof(BadCertificateData))]
    public void UnreadableCertificateDataNamesTheField(string cluster, string user, string field)
    {
        var config = KubeconfigLoader.Parse("/k/config", $"""
            current-context: c
            contexts: [{"{"}name: c, context: {"{"}cluster: k, user: u{"}}"}]
            clusters:
            - name: k
              {cluster}
            users:
            - name: u
              user:
                {(user.Length == 0 ? "{}" : user)}
            """);

        var error = Failure(() => new EndpointResolver().Resolve(config));

        Assert.Equal(FailureReason.CertificateDataInvalid, error.Reason);
        Assert.Equal(field, error.Target);
        Assert.Equal(field, error.Arguments[0]);
        Assert.Contains(field, error.Message);
        Assert.DoesNotContain("PRIVATE KEY", error.Message);
        Assert.DoesNotContain(TestPki.Base64(Client.Key)[..40], error.Message);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void KeyOfAnotherCertificateFailsWhenTheCertificateIsFirstUsed()
    {
        var config = KubeconfigLoader.Parse("/k/config", $"""
            current-context: c
            contexts: [{"{"}name: c, context: {"{"}cluster: k, user: u{"}}"}]
            clusters: [{"{"}name: k, cluster: {"{"}server: https://k{"}}"}]
            users:
            - name: u
              user:
                client-certificate-data: {TestPki.Base64(Client.Certificate)}
                client-key-data: {TestPki.Base64(Other.Key)}
            """);
        var endpoint = new EndpointResolver().Resolve(config);
        Assert.True(endpoint.Credentials.HasClientCertificate);

        var error = Failure(() => _ = endpoint.Credentials.ClientCertificate);

        Assert.Equal(FailureReason.CertificateDataInvalid, error.Reason);
        Assert.Equal("users[u].client-key-data", error.Arguments[0]);
        Assert.DoesNotContain("PRIVATE KEY", error.Message);
    }
}

using Xunit;
using K8sComm.Core.Discovery;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>
/// The same kubeconfig input, given to us and to the real kubectl, must resolve to the same context,
/// cluster, user, namespace, server and CA bytes (<c>kubectl config view --minify --flatten --raw</c>).
/// </summary>
public sealed class KubectlParityTests
{
    /// <summary>A corpus entry: files (relative path → YAML), how they are named, and an optional --context.</summary>
    public sealed record Case(
        string Name,
        IReadOnlyDictionary<string, string> Files,
        IReadOnlyList<string> KubeconfigVariable,
        string? Explicit = null,
        string? Context = null,
        bool RelativeVariable = false)
    {
        public override string ToString() => Name;
    }

    private static readonly string Ca = TestPki.CaBase64;

    // Declared before the corpus, which uses it (static fields initialize in order).
    private static readonly (string Certificate, string Key) RelativeClient = TestPki.CreateClient("relative-user", DateTimeOffset.UtcNow.AddDays(90));

    public static readonly Case[] Corpus =
    [
        new("single file, current context",
            new Dictionary<string, string>
            {
                ["config"] = $"""
                    apiVersion: v1
                    kind: Config
                    current-context: dev
                    clusters:
                    - name: c1
                      cluster:
                        server: https://127.0.0.1:6443
                        certificate-authority-data: {Ca}
                    users:
                    - name: u1
                      user:
                        token: parity-token-1
                    contexts:
                    - name: dev
                      context: {"{"}cluster: c1, user: u1, namespace: team{"}"}
                    """,
            },
            ["config"]),
        new("merged: first file to define a name wins, first current-context wins",
            new Dictionary<string, string>
            {
                ["a.yaml"] = """
                    clusters:
                    - name: shared
                      cluster: {server: "https://a.example:6443"}
                    contexts:
                    - name: ctx
                      context: {cluster: shared, user: ua, namespace: from-a}
                    users:
                    - name: ua
                      user: {token: token-a}
                    """,
                ["b.yaml"] = """
                    current-context: ctx
                    clusters:
                    - name: shared
                      cluster: {server: "https://b.example:6443"}
                    - name: only-b
                      cluster: {server: "https://only-b:1"}
                    contexts:
                    - name: ctx
                      context: {cluster: only-b, user: ub, namespace: from-b}
                    """,
            },
            ["a.yaml", "b.yaml"]),
        new("missing KUBECONFIG entries are skipped",
            new Dictionary<string, string>
            {
                ["b.yaml"] = """
                    current-context: x
                    clusters: [{name: cx, cluster: {server: "https://x:443"}}]
                    contexts: [{name: x, context: {cluster: cx, user: somebody}}]
                    users: [{name: somebody, user: {tokenFile: /var/run/token}}]
                    """,
            },
            ["missing.yaml", "gone/missing-too.yaml", "b.yaml"]),
        new("relative certificate-authority resolved against its own file",
            new Dictionary<string, string>
            {
                ["certs/ca.crt"] = TestPki.CaPem,
                ["conf/deep/config"] = """
                    current-context: rel
                    clusters:
                    - name: rel
                      cluster:
                        server: https://10.0.0.1:6443
                        certificate-authority: ../../certs/ca.crt
                    contexts:
                    - name: rel
                      context: {cluster: rel, user: ""}
                    """,
                ["other/config"] = "current-context: not-this\n",
            },
            ["conf/deep/config", "other/config"]),
        new("missing fields: no user, no namespace, cluster with only a server",
            new Dictionary<string, string>
            {
                ["config"] = """
                    current-context: bare
                    clusters:
                    - name: bare
                      cluster:
                        server: http://localhost:8080
                    contexts:
                    - name: bare
                      context:
                        cluster: bare
                    """,
            },
            ["config"]),
        new("empty namespace defaults to default",
            new Dictionary<string, string>
            {
                ["config"] = """
                    current-context: c
                    clusters: [{name: k, cluster: {server: "https://k:6443", insecure-skip-tls-verify: yes}}]
                    contexts: [{name: c, context: {cluster: k, user: u, namespace: ""}}]
                    users: [{name: u, user: {username: admin, password: parity-password}}]
                    """,
            },
            ["config"]),
        new("several contexts, one chosen",
            new Dictionary<string, string>
            {
                ["config"] = """
                    current-context: prod
                    clusters:
                    - {name: prod, cluster: {server: "https://prod.example"}}
                    - {name: staging, cluster: {server: "https://staging.example:8443"}}
                    contexts:
                    - {name: prod, context: {cluster: prod, user: admin}}
                    - {name: staging, context: {cluster: staging, user: admin, namespace: qa}}
                    users:
                    - {name: admin, user: {token: parity-token-2}}
                    """,
            },
            ["config"],
            Context: "staging"),
        new("names differing only in case are different",
            CaseFiles(), ["config"]),
        new("names differing only in case, lower-case context chosen",
            CaseFiles(), ["config"], Context: "dev"),
        new("IPv6 server stays bracketed",
            new Dictionary<string, string>
            {
                ["config"] = """
                    current-context: v6
                    clusters:
                    - {name: v6, cluster: {server: "https://[fd00::1]:6443"}}
                    - {name: loop, cluster: {server: "https://[::1]:443"}}
                    contexts:
                    - {name: v6, context: {cluster: v6}}
                    - {name: loop, context: {cluster: loop}}
                    """,
            },
            ["config"]),
        new("explicit path wins over KUBECONFIG",
            new Dictionary<string, string>
            {
                ["env.yaml"] = """
                    current-context: env
                    clusters: [{name: env, cluster: {server: "https://env"}}]
                    contexts: [{name: env, context: {cluster: env}}]
                    """,
                ["explicit.yaml"] = """
                    current-context: mine
                    clusters: [{name: mine, cluster: {server: "https://mine:9443"}}]
                    contexts: [{name: mine, context: {cluster: mine, namespace: kube-system}}]
                    """,
            },
            ["env.yaml"],
            Explicit: "explicit.yaml"),
        new("duplicate KUBECONFIG entries read once",
            new Dictionary<string, string>
            {
                ["a.yaml"] = "clusters: [{name: a, cluster: {server: \"https://a\"}}]\ncontexts: [{name: a, context: {cluster: a}}]\n",
                ["b.yaml"] = "current-context: a\nclusters: [{name: a, cluster: {server: \"https://b\"}}]\n",
            },
            ["a.yaml", "a.yaml", "b.yaml", "a.yaml"]),
        new("context in one file, its cluster and user in another",
            new Dictionary<string, string>
            {
                ["ctx.yaml"] = "current-context: split\ncontexts: [{name: split, context: {cluster: far, user: far-user, namespace: apps}}]\n",
                ["far.yaml"] = $"""
                    clusters: [{"{"}name: far, cluster: {"{"}server: "https://far:6443", certificate-authority-data: {Ca}{"}}"}]
                    users: [{"{"}name: far-user, user: {"{"}token: parity-token-3{"}}"}]
                    current-context: ignored
                    """,
            },
            ["ctx.yaml", "far.yaml"]),
        new("a key written twice: the last one counts",
            new Dictionary<string, string>
            {
                ["config"] = """
                    current-context: a
                    current-context: b
                    clusters: [{name: k, cluster: {server: "https://first", server: "https://second"}}]
                    contexts: [{name: a, context: {cluster: k}}, {name: b, context: {cluster: k, namespace: bb}}]
                    """,
            },
            ["config"]),
        new("anchors and aliases",
            new Dictionary<string, string>
            {
                ["config"] = """
                    shared: &endpoint {server: "https://aliased:6443"}
                    current-context: c
                    clusters: [{name: k, cluster: *endpoint}]
                    contexts: [{name: c, context: {cluster: k, namespace: &ns aliased-ns}}, {name: d, context: {cluster: k, namespace: *ns}}]
                    """,
            },
            ["config"]),
        new("several YAML documents: only the first counts",
            new Dictionary<string, string>
            {
                ["config"] = """
                    ---
                    current-context: c
                    clusters: [{name: k, cluster: {server: "https://k"}}]
                    contexts: [{name: c, context: {cluster: k}}, {name: d, context: {cluster: k}}]
                    ---
                    current-context: d
                    """,
            },
            ["config"]),
        new("relative KUBECONFIG entries, client certificate files relative to their kubeconfig",
            new Dictionary<string, string>
            {
                ["pki/client.crt"] = RelativeClient.Certificate,
                ["pki/client.key"] = RelativeClient.Key,
                ["conf/config"] = """
                    current-context: c
                    clusters: [{name: k, cluster: {server: "https://k:6443", insecure-skip-tls-verify: true}}]
                    contexts: [{name: c, context: {cluster: k, user: cert-user}}]
                    users:
                    - name: cert-user
                      user: {client-certificate: ../pki/client.crt, client-key: ../pki/client.key}
                    """,
            },
            ["missing", "conf/config"],
            RelativeVariable: true),
    ];

    private static Dictionary<string, string> CaseFiles() => new()
    {
        ["config"] = """
            current-context: Dev
            clusters:
            - {name: prod, cluster: {server: "https://lower:1"}}
            - {name: Prod, cluster: {server: "https://upper:2"}}
            contexts:
            - {name: dev, context: {cluster: prod, user: u, namespace: lower}}
            - {name: Dev, context: {cluster: Prod, user: U, namespace: upper}}
            users:
            - {name: u, user: {token: lower-token}}
            - {name: U, user: {token: upper-token}}
            """,
    };

    public static TheoryData<string> CaseNames() => new(Corpus.Select(c => c.Name));

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void ResolvesLikeKubectl(string caseName)
    {
        Skip.If(Kubectl.Missing, Kubectl.MissingReason);
        var corpusCase = Corpus.Single(c => c.Name == caseName);
        using var dir = new TempDirectory();
        foreach (var (path, text) in corpusCase.Files) dir.Write(path, text);
        var variable = string.Join(Path.PathSeparator, corpusCase.KubeconfigVariable.Select(p => corpusCase.RelativeVariable ? p : dir.Combine(p)));
        var home = dir.Combine("home");
        Directory.CreateDirectory(home);

        var args = new List<string> { "--flatten", "--raw" };
        if (corpusCase.Explicit is not null) args.AddRange(["--kubeconfig", dir.Combine(corpusCase.Explicit)]);
        if (corpusCase.Context is not null) args.AddRange(["--context", corpusCase.Context]);
        var expected = Kubectl.ViewMinified(home, new Dictionary<string, string> { ["KUBECONFIG"] = variable }, [.. args]);

        var location = KubeconfigLocator.Locate(
            corpusCase.Explicit is null ? null : [dir.Combine(corpusCase.Explicit)], variable, home, workingDirectory: dir.Path);
        var endpoint = new EndpointResolver().Resolve(KubeconfigLoader.Load(location), corpusCase.Context);

        var actual = new MinifiedView(
            endpoint.Context!, endpoint.Cluster!, endpoint.User!, endpoint.Namespace, endpoint.Server.OriginalString,
            endpoint.Credentials.CertificateAuthorityData is { } ca ? Convert.ToBase64String(ca) : "",
            endpoint.Authentication.FirstOrDefault(a => a.Kind == AuthenticationKind.ClientCertificate)?.Subject ?? "");
        Assert.Equal(expected, actual);
    }

    /// <summary>kubectl's <c>config view</c> shows contexts whose files are missing or unreadable; so do we,
    /// each with the same context, cluster, user, namespace, server and CA path, plus a finding per file.</summary>
    [SkippableFact]
    public void ContextsNamingUnreadableFilesResolveLikeKubectlView()
    {
        Skip.If(Kubectl.Missing, Kubectl.MissingReason);
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("a-directory"));
        var file = dir.Write("config", $"""
            current-context: ca-missing
            clusters:
            - {"{"}name: gone-ca, cluster: {"{"}server: "https://api.example:443", certificate-authority: {dir.Combine("missing-ca.crt")}{"}}"}
            - {"{"}name: dir-ca, cluster: {"{"}server: "https://10.0.0.1:6443/prefix", certificate-authority: {dir.Combine("a-directory")}{"}}"}
            - {"{"}name: fine, cluster: {"{"}server: "https://fine:6443", insecure-skip-tls-verify: true{"}}"}
            users:
            - {"{"}name: gone-cert, user: {"{"}client-certificate: {dir.Combine("missing.crt")}, client-key: {dir.Combine("missing.key")}{"}}"}
            - {"{"}name: gone-token, user: {"{"}tokenFile: {dir.Combine("missing-token")}{"}}"}
            contexts:
            - {"{"}name: ca-missing, context: {"{"}cluster: gone-ca, user: gone-token, namespace: apps{"}}"}
            - {"{"}name: ca-directory, context: {"{"}cluster: dir-ca{"}}"}
            - {"{"}name: cert-missing, context: {"{"}cluster: fine, user: gone-cert{"}}"}
            """);
        var config = KubeconfigLoader.Load([file]);
        var resolver = new EndpointResolver();

        foreach (var (context, expectedFindings) in new[] { ("ca-missing", 2), ("ca-directory", 1), ("cert-missing", 2) })
        {
            var (code, stdout, stderr) = Kubectl.Run(dir.Path, new Dictionary<string, string>(),
                "config", "view", "--minify", "-o", "json", "--kubeconfig", file, "--context", context);
            Assert.True(code == 0, $"kubectl: {stderr}");
            using var json = System.Text.Json.JsonDocument.Parse(stdout);
            var root = json.RootElement;
            var body = root.GetProperty("contexts")[0].GetProperty("context");
            var cluster = root.GetProperty("clusters")[0].GetProperty("cluster");

            var endpoint = resolver.Resolve(config, context);

            Assert.Equal(body.GetProperty("cluster").GetString(), endpoint.Cluster);
            Assert.Equal(body.TryGetProperty("user", out var user) ? user.GetString() : "", endpoint.User);
            Assert.Equal(body.TryGetProperty("namespace", out var ns) ? ns.GetString() : "default", endpoint.Namespace);
            Assert.Equal(cluster.GetProperty("server").GetString(), endpoint.Server.OriginalString);
            Assert.Equal(cluster.TryGetProperty("certificate-authority", out var ca) ? ca.GetString() : "none", endpoint.CertificateAuthority.Source);
            var findings = endpoint.Findings.Where(f => f.Id == FindingIds.FileUnreadable).ToArray();
            Assert.Equal(expectedFindings, findings.Length);
            Assert.All(findings, f => Assert.Equal(FindingSeverity.High, f.Severity));
        }
    }

    [SkippableFact]
    public void ResolveAllListsContextsInKubectlOrder()
    {
        Skip.If(Kubectl.Missing, Kubectl.MissingReason);
        using var dir = new TempDirectory();
        var file = dir.Write("config", """
            clusters: [{name: k, cluster: {server: "https://k"}}]
            contexts:
            - {name: dev, context: {cluster: k}}
            - {name: Dev, context: {cluster: k}}
            - {name: b, context: {cluster: k}}
            - {name: _a, context: {cluster: k}}
            - {name: a-1, context: {cluster: k}}
            - {name: "10", context: {cluster: k}}
            """);
        var (code, stdout, stderr) = Kubectl.Run(dir.Path, new Dictionary<string, string>(), "config", "get-contexts", "-o", "name", "--kubeconfig", file);
        Assert.True(code == 0, stderr);
        var expected = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var all = new EndpointResolver().ResolveAll(KubeconfigLoader.Load([file]));

        Assert.Equal(expected, all.Select(r => r.Context));
        Assert.All(all, r => Assert.NotNull(r.Endpoint));
    }

    /// <summary>kubectl types unquoted scalars by YAML 1.1 rules, so some "names" are not strings; we must agree.</summary>
    [SkippableTheory]
    [InlineData("yes"), InlineData("Yes"), InlineData("y"), InlineData("on"), InlineData("OFF"), InlineData("n")]
    [InlineData("10"), InlineData("-7"), InlineData("+3"), InlineData("1_000"), InlineData("0x1F"), InlineData("0o17"), InlineData("0755")]
    [InlineData("08"), InlineData("1e3"), InlineData(".5"), InlineData("+.5"), InlineData(".inf"), InlineData("-.Inf"), InlineData(".NaN")]
    [InlineData("2024-01-01"), InlineData("1.2.3"), InlineData("1:20"), InlineData("Yes please"), InlineData("true1"), InlineData("0x")]
    [InlineData("~"), InlineData("null"), InlineData("\"yes\""), InlineData("'10'"), InlineData("!!str 10")]
    public void ScalarTypingAgreesWithKubectl(string scalar)
    {
        Skip.If(Kubectl.Missing, Kubectl.MissingReason);
        using var dir = new TempDirectory();
        var file = dir.Write("config", $"clusters: [{{name: k, cluster: {{server: \"https://k\"}}}}]\ncontexts:\n- name: {scalar}\n  context: {{cluster: k}}\n");

        var (code, _, stderr) = Kubectl.Run(dir.Path, new Dictionary<string, string>(), "config", "view", "--kubeconfig", file);
        var kubectlAccepts = code == 0;
        var weAccept = true;
        try { KubeconfigLoader.Load([file]); }
        catch (K8sCommException e) when (e.Reason == FailureReason.KubeconfigMalformed) { weAccept = false; }

        Assert.True(kubectlAccepts == weAccept, $"'{scalar}': kubectl {(kubectlAccepts ? "accepts" : "rejects: " + stderr.Trim())}, we {(weAccept ? "accept" : "reject")}");
    }
}

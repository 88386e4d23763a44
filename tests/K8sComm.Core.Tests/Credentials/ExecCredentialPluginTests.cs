using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tests.Discovery;
using K8sComm.Sandbox;
using Xunit;

namespace K8sComm.Core.Tests.Credentials;

/// <summary>
/// Exec credential plugins run as kubectl runs them: a small plugin script written by each test prints
/// an ExecCredential, counts its runs in a file and records what it was given; the sandbox API server
/// says whom the credential authenticates.
/// </summary>
public sealed class ExecCredentialPluginTests : IAsyncLifetime, IDisposable
{
    private const string Marker = "k8scomm-exec-marker-51d2";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _dir = new();
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    private string Runs => _dir.Combine("runs");

    private int RunCount => File.Exists(Runs) ? File.ReadAllLines(Runs).Length : 0;

    /// <summary>A plugin that answers with <paramref name="tokens"/> in turn (the last one from then on).</summary>
    private string Plugin(string apiVersion, string expiry, params string[] tokens)
    {
        var cases = string.Join("\n", tokens.Select((t, i) => $"  {i + 1}) token='{t}' ;;"));
        var script = $$$"""
            #!/bin/sh
            echo run >> '{{{Runs}}}'
            n=$(wc -l < '{{{Runs}}}')
            case $n in
            {{{cases}}}
              *) token='{{{tokens[^1]}}}' ;;
            esac
            printf '%s' "$KUBERNETES_EXEC_INFO" > '{{{_dir.Combine("exec-info")}}}'
            printf '%s|%s' "$1" "$PLUGIN_SECRET" > '{{{_dir.Combine("given")}}}'
            printf '{"apiVersion":"{{{apiVersion}}}","kind":"ExecCredential","status":{"token":"%s"{{{expiry}}}}}' "$token"
            """;
        var path = _dir.Write("plugin.sh", script.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private ResolvedEndpoint Endpoint(string command, string apiVersion = "client.authentication.k8s.io/v1",
        string interactiveMode = "Never", string extra = "")
    {
        var ca = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_cluster.CaCertificatePem));
        var yaml = $"""
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - name: k
              cluster:
                server: {_cluster.ApiServerUri}
                certificate-authority-data: {ca}
            users:
            - name: u
              user:
                exec:
                  apiVersion: {apiVersion}
                  command: {command}
                  args: ["{Marker}-arg"]
                  env: [{"{"} name: PLUGIN_SECRET, value: {Marker}-env {"}"}]
                  interactiveMode: {interactiveMode}
                  installHint: Install it with 'brew install example-plugin'.
            {extra}
            contexts:
            - name: c
              context: {"{"} cluster: k, user: u {"}"}
            """;
        return new EndpointResolver().Resolve(KubeconfigLoader.Parse(_dir.Combine("config"), yaml));
    }

    [SkippableFact]
    public async Task The_plugins_token_is_used_and_cached_across_requests()
    {
        Skip.If(OperatingSystem.IsWindows(), "the test plugin is a POSIX shell script");
        var endpoint = Endpoint(Plugin("client.authentication.k8s.io/v1", "", _cluster.AdminToken));

        var first = await ApiServerProber.ProbeAsync(endpoint, StepTimeout, CancellationToken.None);
        var second = await ApiServerProber.ProbeAsync(endpoint, StepTimeout, CancellationToken.None);

        Assert.Equal("sandbox-admin", first.Identity?.UserName);
        Assert.Equal("sandbox-admin", second.Identity?.UserName);
        Assert.False(first.CredentialsWithheld);
        Assert.Equal(1, RunCount);
        Assert.Equal($"{Marker}-arg|{Marker}-env", File.ReadAllText(_dir.Combine("given")));
        Assert.Contains("\"interactive\":false", File.ReadAllText(_dir.Combine("exec-info")));
    }

    [SkippableFact]
    public async Task An_expired_credential_runs_the_plugin_again()
    {
        Skip.If(OperatingSystem.IsWindows(), "the test plugin is a POSIX shell script");
        var endpoint = Endpoint(Plugin("client.authentication.k8s.io/v1beta1", ",\"expirationTimestamp\":\"2000-01-01T00:00:00Z\"", _cluster.AdminToken),
            apiVersion: "client.authentication.k8s.io/v1beta1");
        using var client = new ApiServerClient(endpoint);

        for (var i = 1; i <= 3; i++)
        {
            Assert.True((await client.GetAsync("/api", CancellationToken.None)).IsSuccess);
            // Each request asks afresh (the first also when its connection offers a client certificate).
            Assert.InRange(RunCount, i, i + 1);
        }
    }

    [SkippableFact]
    public async Task A_rejected_credential_is_fetched_again_once()
    {
        Skip.If(OperatingSystem.IsWindows(), "the test plugin is a POSIX shell script");
        var endpoint = Endpoint(Plugin("client.authentication.k8s.io/v1", "", "not-a-valid-token", _cluster.AdminToken));
        using var client = new ApiServerClient(endpoint);

        var response = await client.GetAsync("/api/v1/namespaces", CancellationToken.None);

        Assert.True(response.IsSuccess, response.Body);
        Assert.Equal(2, RunCount);
    }

    [SkippableFact]
    public async Task Cluster_info_is_given_when_the_plugin_asks_for_it()
    {
        Skip.If(OperatingSystem.IsWindows(), "the test plugin is a POSIX shell script");
        var plugin = Plugin("client.authentication.k8s.io/v1", "", _cluster.AdminToken);
        var yaml = File.ReadAllText(plugin); // unchanged; provideClusterInfo goes into the kubeconfig
        var endpoint = new EndpointResolver().Resolve(KubeconfigLoader.Parse(_dir.Combine("config"), $"""
            apiVersion: v1
            clusters:
            - name: k
              cluster: {"{"} server: '{_cluster.ApiServerUri}', certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_cluster.CaCertificatePem))} {"}"}
            users:
            - name: u
              user:
                exec: {"{"} apiVersion: client.authentication.k8s.io/v1, command: {plugin}, interactiveMode: Never, provideClusterInfo: true {"}"}
            contexts:
            - name: c
              context: {"{"} cluster: k, user: u {"}"}
            current-context: c
            """));
        using var client = new ApiServerClient(endpoint);

        Assert.True((await client.GetAsync("/api", CancellationToken.None)).IsSuccess);
        var info = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_dir.Combine("exec-info"))).RootElement;
        Assert.Equal(_cluster.ApiServerUri.ToString(), info.GetProperty("spec").GetProperty("cluster").GetProperty("server").GetString());
        Assert.NotEmpty(yaml);
    }

    [Fact]
    public async Task A_missing_plugin_names_the_command_and_its_install_hint()
    {
        var endpoint = Endpoint("k8scomm-no-such-plugin");
        using var client = new ApiServerClient(endpoint);

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/api", CancellationToken.None));

        Assert.Equal(FailureReason.ExecPluginNotFound, error.Reason);
        Assert.Contains("k8scomm-no-such-plugin", error.Message);
        Assert.Contains("brew install example-plugin", error.Message);
        Assert.DoesNotContain(Marker, error.ToString());
    }

    [SkippableTheory]
    [InlineData("client.authentication.k8s.io/v1", "", "interactiveMode")]
    [InlineData("client.authentication.k8s.io/v1alpha1", "Never", "apiVersion")]
    [InlineData("client.authentication.k8s.io/v1", "Always", "interactive terminal")]
    public async Task Settings_kubectl_refuses_are_refused_without_running_the_plugin(string apiVersion, string interactiveMode, string problem)
    {
        Skip.If(OperatingSystem.IsWindows(), "the test plugin is a POSIX shell script");
        var endpoint = Endpoint(Plugin(apiVersion, "", _cluster.AdminToken), apiVersion, interactiveMode);
        using var client = new ApiServerClient(endpoint);

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/api", CancellationToken.None));

        Assert.Equal(FailureReason.ExecPluginFailed, error.Reason);
        Assert.Contains(problem, error.Message);
        Assert.Equal(0, RunCount);
    }

    [SkippableFact]
    public async Task A_failing_plugin_says_so_without_repeating_its_secrets()
    {
        Skip.If(OperatingSystem.IsWindows(), "the test plugin is a POSIX shell script");
        var path = _dir.Write("fail.sh", $"#!/bin/sh\necho 'leaked {Marker}' >&2\necho '{Marker}'\nexit 3\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var client = new ApiServerClient(Endpoint(path));

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/api", CancellationToken.None));

        Assert.Equal(FailureReason.ExecPluginFailed, error.Reason);
        Assert.Contains("code 3", error.Message);
        Assert.DoesNotContain(Marker, error.ToString());
        Assert.DoesNotContain(Marker, string.Join(" ", error.Arguments));
    }
}

using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>
/// The one way to connect, shared by every cmdlet that talks to an API server: a kubeconfig file, its
/// text, an endpoint object from the pipeline or a server URL with its own credentials all name the
/// same API server as the same user, and the server agrees on who that user is.
/// </summary>
public sealed class ConnectionParameterTests : IAsyncLifetime
{
    private const string Marker = "k8scomm-marker-7f3a9c";
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void Every_input_form_gives_the_same_endpoint_and_identity()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $content = [IO.File]::ReadAllText($TokenKubeconfig)
            $token = [Net.NetworkCredential]::new('', $Token).SecurePassword
            $forms = [ordered]@{
                File     = Get-ApiServerEndpoint -Kubeconfig $TokenKubeconfig
                Content  = Get-ApiServerEndpoint -KubeconfigContent $content
                Piped    = Get-ApiServerEndpoint -Kubeconfig $TokenKubeconfig | Get-ApiServerEndpoint
                Server   = Get-ApiServerEndpoint -Server $Server -Token $token -CertificateAuthorityData $Ca
            }
            foreach ($form in $forms.GetEnumerator()) {
                $probed = $form.Value | Get-ApiServerEndpoint -Probe
                '{0}|{1}|{2}|{3}|{4}|{5}' -f $form.Key, $probed.Server, $probed.CertificateAuthority.Sha256Fingerprint,
                    (($probed.Authentication | ForEach-Object Kind) -join ','), $probed.Probe.ChainTrusted, $probed.Probe.Identity
            }
            """, ModuleSession.Vars(("TokenKubeconfig", _cluster.Files.TokenKubeconfig), ("Token", _cluster.AdminToken),
            ("Server", _cluster.ApiServerUri), ("Ca", _cluster.CaCertificatePem)));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        var rows = result.Output.Select(o => o.ToString()!.Split('|')).ToList();
        Assert.Equal(["File", "Content", "Piped", "Server"], rows.Select(r => r[0]));
        foreach (var row in rows)
        {
            Assert.Equal(rows[0][1..], row[1..]);
        }
        Assert.Equal("Token", rows[0][3]);
        Assert.Equal("True", rows[0][4]);
        Assert.False(string.IsNullOrEmpty(rows[0][5]));
        Assert.DoesNotContain(_cluster.AdminToken, result.AllText());
    }

    [Fact]
    public void Kubeconfig_content_resolves_relative_files_against_the_current_location()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $null = $ExecutionContext.SessionState.Path.SetLocation([IO.Path]::GetDirectoryName($Ca))
            $content = @"
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - name: k
              cluster: { server: '$Server', certificate-authority: $([IO.Path]::GetFileName($Ca)) }
            contexts:
            - name: c
              context: { cluster: k, user: '' }
            "@
            $endpoint = Get-ApiServerEndpoint -KubeconfigContent $content
            $endpoint.CertificateAuthority.Source
            $endpoint.CertificateAuthority.Sha256Fingerprint
            """, ModuleSession.Vars(("Ca", _cluster.Files.CaBundle), ("Server", _cluster.ApiServerUri)));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.Equal(_cluster.Files.CaBundle, result.Output[0].ToString());
        Assert.False(string.IsNullOrEmpty(result.Output[1]?.ToString()));
    }

    [Theory]
    [InlineData("-Endpoint $e -Kubeconfig $Path", "-Endpoint", "-Kubeconfig")]
    [InlineData("-Kubeconfig $Path -KubeconfigContent 'x'", "-Kubeconfig", "-KubeconfigContent")]
    [InlineData("-InCluster -Context dev", "-InCluster", "-Context")]
    [InlineData("-Server https://127.0.0.1:1 -Kubeconfig $Path", "-Server", "-Kubeconfig")]
    public void Two_ways_of_choosing_the_server_are_refused_naming_both(string parameters, string first, string second)
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke($"$e = Get-ApiServerEndpoint -Kubeconfig $Path; Get-ApiServerEndpoint {parameters}",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        var error = Assert.Single(result.Errors);
        Assert.Equal("K8sComm.ConnectionParametersConflict,K8sComm.Commands.GetApiServerEndpointCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(first, error.ErrorDetails!.Message);
        Assert.Contains(second, error.ErrorDetails.Message);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Secrets_given_as_content_or_SecureString_appear_in_no_stream()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            $good = [IO.File]::ReadAllText($TokenKubeconfig) -replace '(token:\s*).*', "`$1$Marker"
            $broken = "apiVersion: v1`nusers:`n- name: u`n  user: { token: $Marker`n  : [`n"
            Get-ApiServerEndpoint -KubeconfigContent $good -Probe
            Get-ApiServerEndpoint -KubeconfigContent $broken
            $secure = [Net.NetworkCredential]::new('', $Marker).SecurePassword
            Get-ApiServerEndpoint -Server $Server -Token $secure -CertificateAuthorityData $Ca -Probe
            Get-ApiServerEndpoint -Server 'http://127.0.0.1:1' -Token $secure -Probe -TimeoutSec 2
            """, ModuleSession.Vars(("TokenKubeconfig", _cluster.Files.TokenKubeconfig), ("Marker", Marker),
            ("Server", _cluster.ApiServerUri), ("Ca", _cluster.CaCertificatePem)));

        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("K8sComm.KubeconfigMalformed", StringComparison.Ordinal));
        Assert.NotEmpty(result.Output);
        Assert.DoesNotContain(Marker, result.AllText());
    }

    [Fact]
    public void A_server_without_credentials_or_CA_gets_the_findings_a_kubeconfig_would()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("(Get-ApiServerEndpoint -Server 'http://127.0.0.1:1').Findings.Id; (Get-ApiServerEndpoint -Server 'https://127.0.0.1:1').Findings.Id");

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        var ids = result.Output.Select(o => o.ToString()).ToList();
        Assert.Contains("PlainHttp", ids);
        Assert.Contains("CertificateAuthorityMissing", ids);
    }

    [Fact]
    public void A_server_that_is_not_an_http_url_is_ServerInvalid()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -Server 'ftp://example.invalid/'");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ServerInvalid,", error.FullyQualifiedErrorId);
    }
}

using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Kubelets;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>Test-KubeletCertificate in the real engine against sandbox clusters, as a user runs it.</summary>
public sealed class TestKubeletCertificateTests : IAsyncLifetime
{
    private SandboxCluster _secure = null!;
    private SandboxCluster _insecure = null!;

    public async Task InitializeAsync()
    {
        _secure = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 3 });
        _insecure = await SandboxCluster.StartAsync(new SandboxOptions
        {
            Posture = SandboxPosture.Insecure,
            NodeCount = KubeletPosture.WeakCertificates.Count,
        });
    }

    public async Task DisposeAsync()
    {
        await _secure.DisposeAsync();
        await _insecure.DisposeAsync();
    }

    private static IReadOnlyDictionary<string, object?> Vars(SandboxCluster cluster, params (string, object?)[] more) =>
        ModuleSession.Vars([("Path", cluster.Files.CertificateKubeconfig), .. more]);

    [Fact]
    public void All_nodes_of_a_secure_cluster_are_trusted_by_the_kubeconfig_ca()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Test-KubeletCertificate -Kubeconfig $Path -All", Vars(_secure));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.Equal(3, result.Output.Count);
        Assert.Equal(_secure.Kubelets.Select(k => k.NodeName).Order(), result.Output.Select(o => (string)o.Properties["Node"].Value).Order());
        foreach (dynamic item in result.Output)
        {
            Assert.Equal("Trusted", item.Status.ToString());
            Assert.Equal("InternalIP", item.AddressType.ToString());
            Assert.Contains("context sandbox-admin", (string)item.CertificateAuthority);
            Assert.IsType<X509Certificate2>((object)item.Certificate);
            Assert.Empty((System.Collections.IEnumerable)item.Findings);
            Assert.True((bool?)item.NodeNameInCertificate);
            Assert.InRange((int)item.DaysRemaining, 363, 365);
        }
    }

    [Fact]
    public void An_insecure_cluster_shows_every_status_and_the_open_kubelet_api()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Test-KubeletCertificate -Kubeconfig $Path -All -CheckAuthentication -ThrottleLimit 3", Vars(_insecure));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.Equal(
            ["Expired", "NameMismatch", "NotYetValid", "SelfSigned", "Untrusted", "WeakKey", "WeakSignature"],
            result.Output.Select(o => o.Properties["Status"].Value.ToString()!).Order());
        Assert.All(result.Output, o =>
        {
            Assert.Equal("Allowed", o.Properties["AnonymousAccess"].Value.ToString());
            var worst = ((System.Collections.IEnumerable)o.Properties["Findings"].Value).Cast<dynamic>().First();
            Assert.Equal("KubeletAnonymousAccessAllowed", (string)worst.Id);
            Assert.Equal("Critical", worst.Severity.ToString());
        });
    }

    [Fact]
    public void Wildcards_match_node_names_and_a_name_that_matches_nothing_is_its_own_error()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Test-KubeletCertificate -Kubeconfig $Path -Node 'node-[01]', 'no-such-node'", Vars(_secure));

        var error = Assert.Single(result.Errors);
        Assert.Equal("K8sComm.NodeNotFound,K8sComm.Commands.TestKubeletCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("no-such-node", error.TargetObject);
        Assert.Equal(2, result.Output.Count);
    }

    [Fact]
    public void An_address_is_checked_directly_and_a_bad_one_is_an_error_that_does_not_stop_the_rest()
    {
        var kubelet = _insecure.Kubelets.First(k => k.Posture.Certificate == KubeletCertificateKind.SanMismatch);
        using var session = ModuleSession.Start();
        var result = session.Invoke(
            "Test-KubeletCertificate -Address 'bad host', $Address -CertificateAuthority $Ca | Where-Object Status -ne Trusted",
            ModuleSession.Vars(("Address", $"127.0.0.1:{kubelet.Port}"), ("Ca", _insecure.Files.CaBundle)));

        var error = Assert.Single(result.Errors);
        Assert.Equal("K8sComm.KubeletAddressInvalid,K8sComm.Commands.TestKubeletCertificateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        dynamic item = Assert.Single(result.Output);
        Assert.Equal("NameMismatch", item.Status.ToString());
        Assert.Null(item.Node);
        Assert.Equal(_insecure.Files.CaBundle, (string)item.CertificateAuthority);
    }

    [Fact]
    public void Node_objects_arrive_from_the_pipeline_as_kubectl_json_or_typed_objects()
    {
        var kubelet = _secure.Kubelets[0];
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            class Meta { [string]$Name }
            class Address { [string]$Type; [string]$Address }
            class Endpoint { [int]$Port }
            class Daemon { [Endpoint]$KubeletEndpoint }
            class Status { [Address[]]$Addresses; [Daemon]$DaemonEndpoints }
            class Node { [Meta]$Metadata; [Status]$Status }
            $typed = [Node]@{
                Metadata = [Meta]@{ Name = 'typed-node' }
                Status = [Status]@{
                    Addresses = @([Address]@{ Type = 'InternalIP'; Address = '127.0.0.1' })
                    DaemonEndpoints = [Daemon]@{ KubeletEndpoint = [Endpoint]@{ Port = $Port } }
                }
            }
            # What ConvertFrom-Json makes of kubectl get nodes -o json (the real cmdlet is in the Pester tests).
            $fromJson = [pscustomobject]@{
                metadata = [pscustomobject]@{ name = $Name }
                status = [pscustomobject]@{
                    addresses = @([pscustomobject]@{ type = 'Hostname'; address = $Name }, [pscustomobject]@{ type = 'InternalIP'; address = '127.0.0.1' })
                    daemonEndpoints = [pscustomobject]@{ kubeletEndpoint = [pscustomobject]@{ Port = [long]$Port } }
                }
            }
            $fromJson, $typed | Test-KubeletCertificate -Kubeconfig $Path
            """, Vars(_secure, ("Name", kubelet.NodeName), ("Port", kubelet.Port)));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.Equal(2, result.Output.Count);
        // Results come as each check ends, not in input order.
        dynamic fromJson = result.Output.Single(o => (string)o.Properties["Node"].Value == kubelet.NodeName);
        Assert.Equal(kubelet.NodeName, (string)fromJson.Node);
        Assert.Equal(kubelet.Port, (int)fromJson.Port);
        Assert.Equal("Trusted", fromJson.Status.ToString());
        dynamic typed = result.Output.Single(o => (string)o.Properties["Node"].Value == "typed-node");
        Assert.Equal("typed-node", (string)typed.Node);
        Assert.Equal("Trusted", typed.Status.ToString()); // the address matches; the node name is simply not in the SANs
        Assert.False((bool?)typed.NodeNameInCertificate);
    }

    [Fact]
    public void The_table_fits_80_columns_and_findings_are_localized_in_korean()
    {
        using var session = ModuleSession.Start("ko-KR");
        var result = session.Invoke("""
            $results = Test-KubeletCertificate -Kubeconfig $Path -All
            $results | Out-Default
            ($results | Where-Object Status -eq SelfSigned).Findings[0].Message
            """, Vars(_insecure));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        // Every column has a fixed width, so the table is as narrow on this 120-column host as in 80 columns.
        var table = result.HostText.Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0).ToArray();
        Assert.All(table, line => Assert.True(line.Length <= 80, $"{line.Length}: {line}"));
        Assert.Matches(@"^Node\s+Status\s+Days\s+Issuer\s+Finding", table[0]);
        Assert.Contains(table, l => l.Contains("SelfSigned") && l.Contains("NotBootstrapped"));
        var message = Assert.Single(result.Output).ToString();
        Assert.Matches(@"\p{IsHangulSyllables}", message);
        Assert.Contains("serverTLSBootstrap: true", message);
    }

    [Fact]
    public void Two_certificate_authorities_conflict_and_an_unreadable_one_says_which()
    {
        using var session = ModuleSession.Start();
        var conflict = session.Invoke("Test-KubeletCertificate -Address 127.0.0.1 -CertificateAuthority $Ca -CertificateAuthorityData 'x'",
            ModuleSession.Vars(("Ca", _secure.Files.CaBundle)));
        var unreadable = session.Invoke("Test-KubeletCertificate -Address 127.0.0.1 -CertificateAuthorityData 'bm90IGEgY2VydA=='");

        Assert.Equal("K8sComm.ConnectionParametersConflict,K8sComm.Commands.TestKubeletCertificateCommand",
            Assert.Single(conflict.Errors).FullyQualifiedErrorId);
        Assert.Empty(conflict.Output);
        Assert.Equal("K8sComm.CertificateDataInvalid,K8sComm.Commands.TestKubeletCertificateCommand",
            Assert.Single(unreadable.Errors).FullyQualifiedErrorId);
        Assert.Empty(unreadable.Output);
    }
}

public sealed class TestKubeletCertificateStoppingTests
{
    [Fact]
    public async Task Ctrl_C_ends_a_run_whose_kubelets_stall_the_handshake()
    {
        var stalled = new KubeletPosture(Faults: new FaultPlan(FaultMode.StalledHandshake));
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { KubeletPostures = [stalled, stalled, stalled] });
        using var session = ModuleSession.Start();

        // Were the stop not to reach the checks, each would end by itself after 60 s as HandshakeFailed,
        // and the command would not count as stopped.
        var result = session.InvokeAndStop("Test-KubeletCertificate -Kubeconfig $Path -All -TimeoutSec 60",
            TimeSpan.FromSeconds(1), ModuleSession.Vars(("Path", cluster.Files.CertificateKubeconfig)));

        Assert.True(result.Stopped);
        Assert.Empty(result.Output);
        Assert.Empty(result.Errors.Select(e => e.ToString()));
    }
}

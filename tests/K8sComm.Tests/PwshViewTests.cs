using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>The default views as a user sees them in the real pwsh: the verdict at a glance at 80 columns
/// in both cultures, whether trust held in the list view, readable CSV cells.</summary>
public sealed class PwshViewTests : IAsyncLifetime
{
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Insecure, NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<RealPwsh.Outcome> RunAsync(string script) => RealPwsh.RunAsync(script, TimeSpan.FromSeconds(90),
        new Dictionary<string, string> { ["K8SCOMM_TEST_KUBECONFIG"] = _cluster.Files.MultiContextKubeconfig });

    [SkippableTheory]
    [InlineData("en-US", "High (")]
    [InlineData("ko-KR", "높음 (")]
    public async Task At_80_columns_the_table_keeps_every_column_and_the_list_shows_whether_trust_held(string culture, string verdict)
    {
        Skip.If(RealPwsh.MissingReason is not null, RealPwsh.MissingReason);

        var outcome = await RunAsync($$"""
            [System.Threading.Thread]::CurrentThread.CurrentUICulture = '{{culture}}'
            $all = Get-ApiServerEndpoint -Kubeconfig $env:K8SCOMM_TEST_KUBECONFIG -All -Probe -TimeoutSec 20 -WarningAction SilentlyContinue
            '--- table'
            $all | Out-String -Width 80
            '--- list'
            $all | Where-Object Context -eq 'sandbox-admin' | Format-List | Out-String -Width 80
            """);

        Assert.False(outcome.TimedOut, outcome.AllText);
        Assert.True(outcome.ExitCode == 0, outcome.AllText);
        var parts = outcome.StandardOutput.Split("--- list");
        var table = parts[0];
        var list = parts[1];
        Assert.Matches(@"Context\s+Server\s+Auth\s+Verdict", table);
        Assert.Contains(verdict, table);
        Assert.Matches(@"sandbox-admin\s+https://127\.0\.0\.1:\d+\s+cert\s", table);
        Assert.All(table.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, line));
        Assert.Matches(@"ChainTrusted\s+: True", list);
        Assert.Matches(@"NameMatches\s+: True", list);
        Assert.Matches(@"AnonymousAccess\s+: Allowed", list);
        Assert.Matches(@"ServerVersion\s+: v1\.", list);
        Assert.Contains("AnonymousAccessAllowed", list);
        if (culture == "ko-KR")
            Assert.Matches(@"\p{IsHangulSyllables}", list);
    }

    [SkippableFact]
    public async Task Csv_cells_are_readable_text_and_server_addresses_read_as_text()
    {
        Skip.If(RealPwsh.MissingReason is not null, RealPwsh.MissingReason);

        var outcome = await RunAsync("""
            $e = Get-ApiServerEndpoint -Kubeconfig $env:K8SCOMM_TEST_KUBECONFIG -Context sandbox-insecure -Probe -TimeoutSec 20 -WarningAction SilentlyContinue
            $e | ConvertTo-Csv | Out-String
            '--- probe'
            $e.Probe | Format-List | Out-String -Width 120
            """);

        Assert.True(outcome.ExitCode == 0, outcome.AllText);
        var parts = outcome.StandardOutput.Split("--- probe");
        Assert.DoesNotContain("K8sComm.", parts[0]);
        Assert.DoesNotContain("System.", parts[0]);
        Assert.Contains("High: InsecureSkipTlsVerify", parts[0]);
        Assert.Contains("reachable", parts[0]);
        Assert.Matches(@"ServerAddressByClientCIDRs\s+: 0\.0\.0\.0/0 -> 127\.0\.0\.1:\d+", parts[1]);
    }
}

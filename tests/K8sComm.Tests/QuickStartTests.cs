using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>The README's command for machines without pwsh: `dotnet run --project tests/K8sComm.Shell -- try`.</summary>
public sealed class QuickStartTests
{
    [Theory]
    [InlineData("Secure", "anonymous=Rejected")]
    [InlineData("Insecure", "anonymous=Allowed")]
    public async Task Try_runs_the_quick_start_against_a_sandbox_and_shows_what_a_user_sees(string posture, string anonymous)
    {
        var outcome = await ShellProcess.RunShellAsync(["try", "--posture", posture], TimeSpan.FromMinutes(2));

        Assert.True(outcome.ExitCode == 0, outcome.StandardError + outcome.StandardOutput);
        string shown = outcome.StandardOutput;
        Assert.Matches(@"PS> Get-ApiServerEndpoint -All\s+Context\s+Server\s+Auth\s+Verdict", shown);
        Assert.Matches(@"sandbox-insecure\s+https://127\.0\.0\.1:\d+\s+\S+\s+High \(\d+\)", shown);
        Assert.Matches(@"High\s+InsecureSkipTlsVerify", shown);
        Assert.Matches(@"ChainTrusted\s+: True", shown);
        Assert.Contains("sandbox-admin: trusted=True " + anonymous + " identity=sandbox-admin", shown);
        Assert.Contains("Get-ApiServerEndpoint: The context 'no-such-context' is not in the kubeconfig.", shown);
        Assert.DoesNotContain("\u001b[", shown);
    }
}

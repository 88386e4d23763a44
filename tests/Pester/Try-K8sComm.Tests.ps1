# tests/Try-K8sComm.ps1, the README's "try it without a cluster": a sandbox, the quick start in the real pwsh,
# and with -Interactive a prompt of the user's own; the sandbox is gone afterwards either way.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $try = Join-Path (Get-RepoRoot) 'tests' 'Try-K8sComm.ps1'

    # The sandbox's work directory, from the KUBECONFIG the script shows.
    function Get-WorkDirectory([string] $Output) {
        $kubeconfig = [regex]::Match($Output, "\`$env:KUBECONFIG = '([^']+)'").Groups[1].Value
        $kubeconfig | Should -Not -BeNullOrEmpty
        Split-Path -Parent $kubeconfig
    }
}

Describe 'Try-K8sComm.ps1' {
    It 'runs the quick start against an Insecure sandbox and shows what it finds' {
        $result = Invoke-FreshPwsh -Script "& '$try' *>&1 | Out-String -Width 120"
        $result.ExitCode | Should -Be 0
        $text = $result.Output
        $text | Should -Match 'PS> Get-ApiServerEndpoint -All'
        foreach ($context in 'sandbox-admin', 'sandbox-token', 'sandbox-sa', 'sandbox-insecure') { $text | Should -Match $context }
        $text | Should -Match 'InsecureSkipTlsVerify'
        $text | Should -Match 'sandbox-admin: trusted=True anonymous=Allowed identity=sandbox-admin'
        # The unknown context is shown as pwsh shows an error, and the script goes on to the end.
        $text | Should -Match "Get-ApiServerEndpoint: The context 'no-such-context' is not in the kubeconfig"
        Get-WorkDirectory $text | Should -Not -Exist
    }

    It '-Interactive leaves the user at a pwsh prompt with the module and the variables, and cleans up on exit' {
        $typed = @(
            '"module=$((Get-Module K8sComm).Name)"'
            '"contexts=$((Get-ApiServerEndpoint -All).Count)"'
            '"kubeconfig=$env:KUBECONFIG"'
            'exit'
        ) -join "`n"
        $result = Invoke-FreshPwsh -Script "& '$try' -Posture Secure -Nodes 0 -Interactive *>&1 | Out-String -Width 120" -StandardInput "$typed`n"
        $result.ExitCode | Should -Be 0
        $text = $result.Output
        $text | Should -Match 'module=K8sComm'
        $text | Should -Match 'contexts=4'
        $workDirectory = Get-WorkDirectory $text
        $text | Should -Match ([regex]::Escape("kubeconfig=$workDirectory"))
        $text | Should -Match 'The sandbox has stopped'
        $workDirectory | Should -Not -Exist
    }
}

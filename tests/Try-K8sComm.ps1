<#
.SYNOPSIS
    Tries K8sComm without a cluster: starts a sandbox cluster and runs the README's quick start against it.

.DESCRIPTION
    Starts a sandbox with the sandbox's own `up` command, sets the variables it prints (KUBECONFIG names a
    kubeconfig with several contexts), imports the built module (out/K8sComm/<version>) and runs the quick
    start, showing each command after a prompt. With -Interactive it then leaves you at a pwsh prompt with the
    module imported and the sandbox's variables set; `exit` returns, and the sandbox stops and removes its
    files either way. Needs the module and the sandbox built: dotnet build K8sComm.slnx.

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Try-K8sComm.ps1

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Try-K8sComm.ps1 -Posture Secure -Interactive
#>
[CmdletBinding()]
param(
    # Insecure shows findings and anonymous access; Secure is a well-configured cluster.
    [ValidateSet('Secure', 'Insecure')]
    [string] $Posture = 'Insecure',

    # How many sandbox nodes (kubelets) to start.
    [ValidateRange(0, 100)]
    [int] $Nodes = 2,

    # Stay at a pwsh prompt with the module and the sandbox until you type exit.
    [switch] $Interactive
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Pester' 'TestHelpers.psm1')

# The README's quick start (and tests/K8sComm.Shell's `try`, its embedded-engine twin).
$quickStart = @(
    'Get-ApiServerEndpoint'
    'Get-ApiServerEndpoint -All'
    '(Get-ApiServerEndpoint -Context sandbox-token -Probe).Probe'
    '(Get-ApiServerEndpoint -All).Findings | Where-Object Severity -eq ''High'''
    '''sandbox-admin'', ''no-such-context'' | Get-ApiServerEndpoint -Probe | ForEach-Object { ''{0}: trusted={1} anonymous={2} identity={3}'' -f $_.Context, $_.Probe.ChainTrusted, $_.Probe.AnonymousAccess, $_.Probe.Identity }'
)

$sandbox = Start-TestSandbox -Posture $Posture -Nodes $Nodes
try {
    Set-TestSandboxEnvironment $sandbox
    $manifest = Get-TestModuleManifest
    Write-Host "# A $Posture sandbox cluster with $Nodes node(s) is serving at $($sandbox.ApiServer)"
    foreach ($name in $sandbox.Environment.Keys) { Write-Host "PS> `$env:$name = '$($sandbox.Environment[$name])'" }
    Write-Host "PS> Import-Module $manifest"
    Import-Module $manifest
    foreach ($command in $quickStart) {
        Write-Host "PS> $command"
        # As at a prompt: errors don't stop the pipeline, pwsh shows them, and the next command runs.
        try { & { $ErrorActionPreference = 'Continue'; Invoke-Expression $command | Out-Host } }
        catch { Write-Host "$($_.InvocationInfo.MyCommand.Name): $_" }
    }

    if ($Interactive) {
        Write-Host "`nYour turn: the module is imported and the sandbox's variables are set. Type exit to stop the sandbox."
        $pwsh = [Environment]::ProcessPath
        $setup = "Import-Module '$($manifest.Replace("'", "''"))'; function global:prompt { ""[k8scomm sandbox] PS `$(`$PWD)> "" }"
        $arguments = @('-NoProfile', '-NoExit', '-Command', $setup)
        # pwsh run as a .NET local tool is `dotnet pwsh.dll`.
        if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
        & $pwsh @arguments
    }
}
finally {
    Stop-TestSandbox $sandbox
    Write-Host '# The sandbox has stopped and removed its files.'
}

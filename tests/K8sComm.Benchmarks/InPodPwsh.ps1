<#
.SYNOPSIS
    Invoke-InPodApiCall through the real pwsh: 1,000 sequential GETs per round, as objects and with -Raw,
    against Invoke-RestMethod making the same request.

.DESCRIPTION
    The engine's share of the in-pod benchmark (the `inpod` verb measures the core alone): parameter
    binding, the pipeline and JSON turned into PSObjects. A sandbox is started through `up`, its pod
    variables are set in this session, and 100 warm-up calls run first. Invoke-RestMethod gets the same
    token and URL but cannot trust the sandbox's CA alone, so it runs with -SkipCertificateCheck.

.EXAMPLE
    dotnet build K8sComm.slnx; dotnet pwsh -NoProfile -File tests/K8sComm.Benchmarks/InPodPwsh.ps1
#>
param([int] $Rounds = 3, [int] $Calls = 1000)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '..' 'Pester' 'TestHelpers.psm1')
Import-Module (Get-TestModuleManifest)
$sandbox = Start-TestSandbox -Posture Secure -Nodes 1
try {
    Set-TestSandboxEnvironment $sandbox
    $sa = $sandbox.ServiceAccountDirectory
    $path = '/api/v1/namespaces/{namespace}/pods'
    $url = "$($sandbox.ApiServer)api/v1/namespaces/default/pods"
    $token = ConvertTo-SecureString (Get-Content -Raw (Join-Path $sa 'token')).Trim() -AsPlainText
    foreach ($i in 1..100) { $null = Invoke-InPodApiCall $path -ServiceAccountPath $sa }
    foreach ($round in 1..$Rounds) {
        $objects = Measure-Command { foreach ($i in 1..$Calls) { $null = Invoke-InPodApiCall $path -ServiceAccountPath $sa } }
        $raw = Measure-Command { foreach ($i in 1..$Calls) { $null = Invoke-InPodApiCall $path -Raw -ServiceAccountPath $sa } }
        $rest = Measure-Command { foreach ($i in 1..$Calls) { $null = Invoke-RestMethod -Uri $url -Authentication Bearer -Token $token -SkipCertificateCheck } }
        'round {0}: Invoke-InPodApiCall {1:N0} ms (objects), {2:N0} ms (-Raw); Invoke-RestMethod {3:N0} ms ({4} calls each)' -f
            $round, $objects.TotalMilliseconds, $raw.TotalMilliseconds, $rest.TotalMilliseconds, $Calls
    }
}
finally {
    Stop-TestSandbox $sandbox
}

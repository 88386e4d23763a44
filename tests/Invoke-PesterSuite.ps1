<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester/*.Tests.ps1) in this pwsh against the built module folder.

.DESCRIPTION
    Pester comes from the NuGet package folder, where restoring tests/K8sComm.Tools put it (its version is
    pinned there); nothing is downloaded here. The module under test is out/K8sComm/<version>/ and the
    sandbox is the built K8sComm.Sandbox, both from `dotnet build` or `dotnet test` of the solution.
    Ends with one line in vstest's shape, which .ci/run adds to the xunit counts:
    "Pester  - Failed: N, Passed: N, Skipped: N, Total: N", and exits 1 when any test or container failed.

.EXAMPLE
    dotnet tool restore; dotnet build K8sComm.slnx; dotnet pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1 -Path tests/Pester/Build.Tests.ps1 -Output Normal
#>
[CmdletBinding()]
param(
    # Test files or folders.
    [string[]] $Path = (Join-Path $PSScriptRoot 'Pester'),

    # The build configuration of the sandbox to start.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Output = 'Detailed'
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot

# Pester's version has one home: the tools project that downloads it.
$toolsProject = Join-Path $PSScriptRoot 'K8sComm.Tools' 'K8sComm.Tools.csproj'
$pesterVersion = [regex]::Match((Get-Content -Raw $toolsProject), 'Include="Pester" Version="\[([^\]]+)\]"').Groups[1].Value
$packages = $env:NUGET_PACKAGES
if (-not $packages) {
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
}
$pester = Join-Path $packages.Trim() 'pester' $pesterVersion 'tools' 'Pester.psd1'
if (-not (Test-Path $pester)) {
    throw "Pester $pesterVersion is not in the NuGet package folder ($pester): run 'dotnet restore $toolsProject'."
}
Import-Module $pester -Force

$version = (Import-PowerShellDataFile -Path (Join-Path $root 'K8sComm.psd1')).ModuleVersion
$env:K8SCOMM_TEST_MODULE = Join-Path $root 'out' 'K8sComm' $version 'K8sComm.psd1'
$env:K8SCOMM_TEST_SANDBOX = Join-Path $root 'tests' 'K8sComm.Sandbox' 'bin' $Configuration 'net10.0' 'K8sComm.Sandbox.dll'
foreach ($built in $env:K8SCOMM_TEST_MODULE, $env:K8SCOMM_TEST_SANDBOX) {
    if (-not (Test-Path $built)) { throw "$built is not built: run 'dotnet build K8sComm.slnx -c $Configuration'." }
}

$pesterConfiguration = New-PesterConfiguration
# pwsh -File passes "a,b" as one string.
$pesterConfiguration.Run.Path = @($Path -split ',')
$pesterConfiguration.Run.PassThru = $true
$pesterConfiguration.Run.Exit = $false
$pesterConfiguration.Output.Verbosity = $Output
$result = Invoke-Pester -Configuration $pesterConfiguration
if ($null -eq $result) {
    "Pester  - Failed: 1, Passed: 0, Skipped: 0, Total: 1 - Invoke-Pester did not run"
    exit 1
}

# A file that failed outside any test (discovery, BeforeAll) counts as a failure too.
$failed = $result.FailedCount + $result.FailedContainersCount
"Pester  - Failed: $failed, Passed: $($result.PassedCount), Skipped: $($result.SkippedCount), Total: $($result.PassedCount + $failed + $result.SkippedCount) - $($Path -join ', ')"
exit ([int]($failed -gt 0))

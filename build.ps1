#Requires -Version 7.4

<#
.SYNOPSIS
    Builds, tests, documents, packages and publishes K8sComm.

.DESCRIPTION
    Tasks run in the order given:
      Build    dotnet build of src/K8sComm: lays out the module in out/K8sComm/<version>/ (the version comes
               from K8sComm.psd1)
      Test     dotnet test over the solution, then the Pester suite (tests/Invoke-PesterSuite.ps1)
      Help     MAML from docs/<culture>/*.md into en-US/ and ko-KR/: PlatyPS New-ExternalHelp where it is
               installed, otherwise the repository's own PlatyPS-compatible builder
      Package  Help + Build (Release, with ReadyToRun images: src/K8sComm/ReadyToRun.targets), then checks the
               module folder with Test-ModuleManifest
      Publish  Package, then Publish-PSResource of the module folder: -WhatIf unless -Live is given

.EXAMPLE
    ./build.ps1 -Task Build, Test

    Lays out the module, then runs the xunit suites and the Pester suite against it.

.EXAMPLE
    ./build.ps1 -Task Package

    Regenerates the MAML help, builds Release and checks the module folder a publish would upload.

.EXAMPLE
    ./build.ps1 -Task Publish -ApiKey $env:PSGALLERY_API_KEY -Live

    Packages and publishes to the PowerShell Gallery; without -Live it only shows what it would upload.
#>
[CmdletBinding()]
param(
    # The tasks to run, in the order given.
    [ValidateSet('Build', 'Test', 'Help', 'Package', 'Publish')]
    [string[]] $Task = @('Build'),

    # The build configuration of Build and Test; Package always builds Release.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # The PSResourceGet repository Publish uploads to.
    [string] $Repository = 'PSGallery',

    # The repository's API key, for Publish -Live.
    [string] $ApiKey,

    # Publish for real; without it Publish only shows what it would upload.
    [switch] $Live
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$manifest = Import-PowerShellDataFile -Path (Join-Path $root 'K8sComm.psd1')
$moduleDir = Join-Path $root 'out' 'K8sComm' $manifest.ModuleVersion
$cultures = 'en-US', 'ko-KR'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Verbose "$Command $($Arguments -join ' ')"
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    param([string] $BuildConfiguration = $Configuration)
    # The module only; Test builds the test projects it needs.
    Invoke-Native dotnet @('build', (Join-Path $root 'src' 'K8sComm'), '-c', $BuildConfiguration)
    Write-Host "Module laid out in $moduleDir"
}

function Invoke-Test {
    Invoke-Native dotnet @('test', (Join-Path $root 'K8sComm.slnx'), '-c', $Configuration)
    # Pester comes from NuGet through tests/K8sComm.Tools, restored by the test run above.
    & (Join-Path $root 'tests' 'Invoke-PesterSuite.ps1') -Configuration $Configuration
    if ($LASTEXITCODE -ne 0) { throw 'The Pester suite failed.' }
}

function Invoke-Help {
    $platyPS = Get-Module -ListAvailable -Name platyPS | Sort-Object Version -Descending | Select-Object -First 1
    foreach ($culture in $cultures) {
        $source = Join-Path $root 'docs' $culture
        $target = Join-Path $root $culture
        if ($platyPS) {
            Import-Module $platyPS
            New-ExternalHelp -Path $source -OutputPath $target -Encoding ([System.Text.Encoding]::UTF8) -Force | Out-Null
        }
        else {
            Invoke-Native dotnet @('run', '--project', (Join-Path $root 'src' 'K8sComm.HelpBuilder'), '--', $source, (Join-Path $target 'K8sComm.dll-Help.xml'))
        }
        Write-Host "Help for $culture written to $target"
    }
}

function Invoke-Package {
    Invoke-Help
    Invoke-Build -BuildConfiguration Release
    $checked = Test-ModuleManifest -Path (Join-Path $moduleDir 'K8sComm.psd1')
    Write-Host "Packaged $($checked.Name) $($checked.Version) in $moduleDir"
}

function Invoke-Publish {
    Invoke-Package
    if ($Live -and -not $ApiKey) { throw 'Publishing needs -ApiKey.' }
    $publish = @{ Path = $moduleDir; Repository = $Repository; WhatIf = -not $Live }
    if ($ApiKey) { $publish.ApiKey = $ApiKey }
    Publish-PSResource @publish
}

foreach ($name in $Task) {
    Write-Host "== $name" -ForegroundColor Cyan
    switch ($name) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Help' { Invoke-Help }
        'Package' { Invoke-Package }
        'Publish' { Invoke-Publish }
    }
}

#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents, packages and publishes K8sComm.

.DESCRIPTION
    Tasks run in the order given:
      Build    dotnet build: lays out the module in out/K8sComm/<version>/ (the version comes from K8sComm.psd1)
      Test     dotnet test over the solution, then Invoke-Pester on tests/*.Tests.ps1 where Pester 5 is installed
      Help     MAML from docs/<culture>/*.md into en-US/ and ko-KR/: PlatyPS New-ExternalHelp where it is
               installed, otherwise the repository's own PlatyPS-compatible builder
      Package  Build (Release) + Help, then checks the module folder with Test-ModuleManifest
      Publish  Package, then Publish-PSResource of the module folder: -WhatIf unless -Live is given

.EXAMPLE
    ./build.ps1 -Task Build, Test

.EXAMPLE
    ./build.ps1 -Task Publish -ApiKey $env:PSGALLERY_API_KEY -Live
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Package', 'Publish')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [string] $Repository = 'PSGallery',

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
    Invoke-Native dotnet @('build', (Join-Path $root 'K8sComm.slnx'), '-c', $BuildConfiguration)
    Write-Host "Module laid out in $moduleDir"
}

function Invoke-Test {
    Invoke-Native dotnet @('test', (Join-Path $root 'K8sComm.slnx'), '-c', $Configuration)
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.0.0' | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed: skipping tests/*.Tests.ps1.'
        return
    }
    Import-Module $pester
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = Join-Path $root 'tests'
    $configuration.Run.Exit = $false
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Detailed'
    $result = Invoke-Pester -Configuration $configuration
    if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
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

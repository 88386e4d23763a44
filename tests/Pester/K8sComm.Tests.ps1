# The module as a whole, in the real pwsh: manifest, exports, help for every cmdlet and the about topic in
# both cultures, loading in a fresh process. Each cmdlet has its own <Cmdlet>.Tests.ps1.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $manifest = Get-TestModuleManifest
    Import-Module $manifest
    $declared = Import-PowerShellDataFile -Path $manifest
}

Describe 'The K8sComm module' {
    It 'passes Test-ModuleManifest with the version of the repository manifest' {
        $checked = Test-ModuleManifest -Path $manifest
        $checked.Version | Should -Be (Import-PowerShellDataFile -Path (Join-Path (Get-RepoRoot) 'K8sComm.psd1')).ModuleVersion
    }

    It 'exports exactly the cmdlets its manifest declares' {
        (Get-Command -Module K8sComm).Name | Sort-Object | Should -Be ($declared.CmdletsToExport | Sort-Object)
    }

    It 'imports in a fresh pwsh without errors or warnings' {
        $result = Invoke-FreshPwsh -Script 'Import-Module $env:K8SCOMM_TEST_MODULE -WarningVariable warned; if ($warned) { "warned: $warned" }; (Get-Module K8sComm).Version.ToString()'
        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Trim() | Should -Be $declared.ModuleVersion
    }

    It 'offers -WhatIf on no cmdlet whose verb only reads' {
        $reading = 'Get', 'Test', 'Find', 'Search', 'Resolve', 'Measure', 'Show'
        Get-Command -Module K8sComm | Where-Object Verb -In $reading | ForEach-Object {
            $_.Parameters.Keys | Should -Not -Contain 'WhatIf' -Because "$($_.Name) changes nothing"
        }
    }
}

Describe 'Help in <culture>' -ForEach @(
    @{ culture = 'en-US'; korean = $false }
    @{ culture = 'ko-KR'; korean = $true }
) {
    BeforeAll {
        # A fresh pwsh per culture: Get-Help caches what it has read for the life of a session.
        $facts = Invoke-FreshPwsh -Script @"
[cultureinfo]::CurrentUICulture = [cultureinfo]::CurrentCulture = '$culture'
Import-Module `$env:K8SCOMM_TEST_MODULE
@(foreach (`$command in Get-Command -Module K8sComm) {
    `$help = Get-Help `$command.Name -Full
    [pscustomobject]@{ Name = `$command.Name; Synopsis = "`$(`$help.Synopsis)".Trim(); Examples = @(`$help.examples.example).Count }
}) | ConvertTo-Json -AsArray
'--about--'
Get-Help about_K8sComm | Out-String
"@
        $facts.Errors | Should -BeNullOrEmpty
        $json, $about = $facts.Output -split '--about--'
        $commands = $json | ConvertFrom-Json
    }

    It 'every cmdlet has a synopsis in <culture> and examples' {
        $commands | Should -Not -BeNullOrEmpty
        foreach ($command in $commands) {
            $command.Synopsis | Should -Not -Match "^$($command.Name)" -Because 'pwsh shows the syntax when there is no help'
            $command.Synopsis -match '\p{IsHangulSyllables}' | Should -Be $korean -Because "$($command.Name)'s synopsis is '$($command.Synopsis)'"
            $command.Examples | Should -BeGreaterThan 0 -Because "$($command.Name) needs examples"
        }
    }

    It 'has the about_K8sComm topic in <culture>' {
        $about | Should -Match 'kubelet'
        $about | Should -Match 'Konnectivity'
        $about -match '\p{IsHangulSyllables}' | Should -Be $korean
    }
}

# build.ps1 run for real, and the module it packages installed the way a user installs it: published to a
# local file repository, Install-PSResource into a user's module path, Import-Module by name.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $root = Get-RepoRoot
    $build = Join-Path $root 'build.ps1'
    $version = (Import-PowerShellDataFile -Path (Join-Path $root 'K8sComm.psd1')).ModuleVersion
    $moduleDir = Join-Path $root 'out' 'K8sComm' $version

    # build.ps1 as a user runs it: its own pwsh, tasks by name. Returns its output; throws with it on failure.
    function Invoke-Build([string[]] $Task) {
        $result = Invoke-FreshPwsh -Script "& '$build' -Task $($Task -join ',') *>&1 | Out-String -Width 200" -Timeout ([timespan]::FromMinutes(5))
        if ($result.ExitCode -ne 0 -or $result.Errors) { throw "build.ps1 -Task $Task failed:`n$($result.Output)`n$($result.Errors)" }
        $result.Output
    }
}

Describe 'Get-Help ./build.ps1' {
    BeforeAll { $help = Get-Help $build -Full }

    It 'shows the synopsis and the examples' {
        $help.Synopsis | Should -Match 'Builds, tests, documents, packages and publishes K8sComm'
        @($help.examples.example).Count | Should -BeGreaterOrEqual 3
        ($help.examples.example.code -join "`n") | Should -Match '-Task Package'
    }

    It 'describes every parameter' {
        foreach ($name in (Get-Command $build).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }) {
            $parameter = $help.parameters.parameter | Where-Object name -EQ $name
            ($parameter.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }
}

Describe 'build.ps1' {
    It '-Task Build lays out the module folder' {
        $output = Invoke-Build Build
        $output | Should -Match ([regex]::Escape("Module laid out in $moduleDir"))
        foreach ($file in 'K8sComm.psd1', 'K8sComm.dll', 'K8sComm.format.ps1xml', 'Dependencies/K8sComm.Core.dll',
            'en-US/K8sComm.dll-Help.xml', 'ko-KR/K8sComm.dll-Help.xml', 'ko-KR/K8sComm.resources.dll') {
            Join-Path $moduleDir $file | Should -Exist
        }
    }

    It '-Task Help writes the MAML the repository ships, byte for byte' {
        $shipped = 'en-US', 'ko-KR' | ForEach-Object { Join-Path $root $_ 'K8sComm.dll-Help.xml' }
        $before = $shipped | ForEach-Object { (Get-FileHash $_).Hash }
        $output = Invoke-Build Help
        $output | Should -Match 'Help for en-US written'
        $output | Should -Match 'Help for ko-KR written'
        $shipped | ForEach-Object { (Get-FileHash $_).Hash } | Should -Be $before -Because 'docs/ and the committed MAML must agree'
    }

    Context '-Task Package, then a local repository, as Install-Module does it for a user' {
        BeforeAll {
            $output = Invoke-Build Package
            # A user of our own: HOME (so the user module path and PSResourceGet's settings) in a temp folder.
            $user = Join-Path $TestDrive 'home'
            $feed = Join-Path $TestDrive 'feed'
            $asUser = @{ HOME = $user; XDG_DATA_HOME = (Join-Path $user '.local' 'share'); XDG_CONFIG_HOME = (Join-Path $user '.config') }
            # They must exist: .NET answers "" for a special folder that doesn't, and PSResourceGet and NuGet
            # would then write their settings into the current directory.
            $null = New-Item -ItemType Directory -Path $feed, $asUser.XDG_DATA_HOME, $asUser.XDG_CONFIG_HOME
            $installed = Invoke-FreshPwsh -Environment $asUser -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name K8sCommLocal -Uri '$feed' -Trusted
Publish-PSResource -Path '$moduleDir' -Repository K8sCommLocal
Install-PSResource -Name K8sComm -Repository K8sCommLocal -Scope CurrentUser -TrustRepository
(Get-InstalledPSResource -Name K8sComm).InstalledLocation
"@
            $imported = Invoke-FreshPwsh -Environment $asUser -Script @'
$ErrorActionPreference = 'Stop'
Import-Module K8sComm
$module = Get-Module K8sComm
$module.Version.ToString(); $module.ModuleBase
(Get-Command -Module K8sComm).Name -join ','
(Get-Help Get-ApiServerEndpoint).Synopsis
'@
        }

        It 'packages a module folder that passes Test-ModuleManifest' {
            $output | Should -Match "Packaged K8sComm $([regex]::Escape($version))"
        }

        It 'ships ReadyToRun images for the assemblies a first call loads, and leaves KubernetesClient as IL' {
            $images = @{}
            foreach ($file in Get-ChildItem -Path $moduleDir, (Join-Path $moduleDir 'Dependencies') -Filter *.dll) {
                $stream = [System.IO.File]::OpenRead($file.FullName)
                try { $images[$file.BaseName] = [System.Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 }
                finally { $stream.Dispose() }
            }
            foreach ($name in 'K8sComm', 'K8sComm.Core', 'YamlDotNet', 'BouncyCastle.Cryptography') {
                $images[$name] | Should -BeTrue -Because "$name is loaded by Import-Module or the first call"
            }
            $images['KubernetesClient'] | Should -BeFalse
        }

        It 'publishes the module to the repository and installs it into the user''s module path' {
            $installed.Errors | Should -BeNullOrEmpty
            $installed.ExitCode | Should -Be 0
            Get-ChildItem -Path $feed -Filter "K8sComm.$version.nupkg" | Should -Not -BeNullOrEmpty
            $installed.Output.Trim() | Should -BeLike "$user*"
        }

        It 'imports by name in a fresh pwsh, with its cmdlets and help' {
            $imported.Errors | Should -BeNullOrEmpty
            $shownVersion, $base, $commands, $synopsis = $imported.Output.Trim() -split "`r?`n"
            $shownVersion | Should -Be $version
            $base | Should -BeLike "$user*"
            $commands -split ',' | Should -Contain 'Get-ApiServerEndpoint'
            $synopsis | Should -Match 'API server'
        }
    }
}

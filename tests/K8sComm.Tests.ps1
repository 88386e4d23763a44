#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 tests of the built module, for machines with pwsh: ./build.ps1 -Task Build, Test

BeforeAll {
    $root = Split-Path -Parent $PSScriptRoot
    $version = (Import-PowerShellDataFile -Path (Join-Path $root 'K8sComm.psd1')).ModuleVersion
    $manifest = Join-Path $root 'out' 'K8sComm' $version 'K8sComm.psd1'
    Import-Module $manifest -Force

    function New-TestKubeconfig {
        param([string] $Path, [string] $Token)

        $key = [System.Security.Cryptography.ECDsa]::Create()
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=pester-ca', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
        $ca = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(365))
        $caData = [Convert]::ToBase64String([System.Text.Encoding]::ASCII.GetBytes($ca.ExportCertificatePem()))

        @"
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: $caData
- name: lab-cluster
  cluster:
    server: https://[::1]:16443
    insecure-skip-tls-verify: true
users:
- name: dev-user
  user:
    token: $Token
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
    namespace: team-a
- name: lab
  context:
    cluster: lab-cluster
    user: dev-user
"@ | Set-Content -Path $Path -Encoding utf8NoBOM
    }
}

Describe 'The K8sComm module' {
    It 'passes Test-ModuleManifest' {
        Test-ModuleManifest -Path $manifest | Should -Not -BeNullOrEmpty
    }

    It 'exports Get-ApiServerEndpoint' {
        (Get-Command -Module K8sComm).Name | Should -Contain 'Get-ApiServerEndpoint'
    }

    It 'has help with examples for every exported cmdlet' {
        foreach ($command in Get-Command -Module K8sComm) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Examples.Example.Count | Should -BeGreaterThan 0
        }
    }

    It 'has the about_K8sComm topic' {
        Get-Help about_K8sComm | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-ApiServerEndpoint' {
    BeforeAll {
        $token = 'pester-secret-' + [guid]::NewGuid()
        $kubeconfig = Join-Path $TestDrive 'config'
        New-TestKubeconfig -Path $kubeconfig -Token $token
    }

    It 'resolves the current context' {
        $endpoint = Get-ApiServerEndpoint -Kubeconfig $kubeconfig
        $endpoint.Context | Should -Be 'dev'
        $endpoint.Server | Should -Be 'https://127.0.0.1:6443/'
        $endpoint.Namespace | Should -Be 'team-a'
        $endpoint.CertificateAuthority.Subject | Should -Be 'CN=pester-ca'
        $endpoint.Authentication.Kind | Should -Contain 'Token'
    }

    It 'lists every context with -All and flags skipped verification' {
        $endpoints = Get-ApiServerEndpoint -Kubeconfig $kubeconfig -All
        $endpoints.Context | Should -Be @('dev', 'lab')
        $lab = $endpoints | Where-Object Context -EQ 'lab'
        $lab.Host | Should -Be '[::1]'
        $lab.Findings.Id | Should -Contain 'InsecureSkipTlsVerify'
    }

    It 'takes context names from the pipeline' {
        ('lab', 'dev' | Get-ApiServerEndpoint -Kubeconfig $kubeconfig).Context | Should -Be @('lab', 'dev')
    }

    It 'reports an unknown context with the available ones' {
        $result = Get-ApiServerEndpoint -Kubeconfig $kubeconfig -Context nope -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'K8sComm.ContextNotFound*'
        $failures[0].ToString() | Should -Match 'dev'
    }

    It 'never shows the token' {
        $all = Get-ApiServerEndpoint -Kubeconfig $kubeconfig -All -Verbose 4>&1 | Out-String -Width 300
        $all += Get-ApiServerEndpoint -Kubeconfig $kubeconfig -All | Format-List * | Out-String -Width 300
        $all | Should -Not -Match ([regex]::Escape($token))
    }

    It 'completes context names' {
        $line = "Get-ApiServerEndpoint -Kubeconfig '$kubeconfig' -Context l"
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Should -Be @('lab')
    }
}

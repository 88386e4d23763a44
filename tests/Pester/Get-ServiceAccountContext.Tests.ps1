# Get-ServiceAccountContext in the real pwsh, against a sandbox started through `up`: the pod's view of
# itself, its table and list views, JSON, and its errors.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestModuleManifest)

    $sandbox = Start-TestSandbox -Posture Secure -Nodes 1
    Set-TestSandboxEnvironment $sandbox
    $sa = $sandbox.ServiceAccountDirectory
    $token = (Get-Content -Raw (Join-Path $sa 'token')).Trim()
}

AfterAll {
    Stop-TestSandbox $sandbox
}

Describe 'Get-ServiceAccountContext' {
    BeforeAll {
        $context = Get-ServiceAccountContext -ServiceAccountPath $sa -Verify
    }

    It 'reads the projected token bound to the sandbox pod' {
        $context | Should -BeOfType K8sComm.ServiceAccountContext
        "$($context.TokenKind)" | Should -Be 'Projected'
        $context.Pod | Should -Be 'toolbox-0'
        $context.ServiceAccount | Should -Be 'default'
        $context.Subject | Should -Be 'system:serviceaccount:default:default'
        $context.ExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        $context.ApiServer.Port | Should -Be $sandbox.ApiServer.Port
    }

    It '-Verify shows what the API server says: the same identity, and pod reads in the namespace' {
        $context.Verification.UserName | Should -Be $context.Subject
        $pods = $context.Verification.Rules | Where-Object { $_.Resources -contains 'pods' }
        $pods.Verbs | Should -Contain 'list'
    }

    It 'fits the table in 80 columns with the verdict at a glance' {
        $table = $context | Format-Table | Out-String -Width 80
        $table | Should -Match 'default\s+default\s+toolbox-0\s+Projected\s+\d+h\s+yes'
        ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'lists every fact, and the rules as a table of verbs and resources' {
        $list = $context | Format-List | Out-String -Width 120
        $list | Should -Match 'CertificateAuthority\s*:\s*CN=sandbox-cluster-ca'
        $list | Should -Match 'VerifiedAs\s*:\s*system:serviceaccount:default:default'
        $rules = $context.Verification.Rules | Format-Table | Out-String -Width 80
        $rules | Should -Match 'get,list,watch\s+\(core\)\s+pods'
    }

    It 'converts to JSON without the token' {
        $json = $context | ConvertTo-Json -Depth 6 -EnumsAsStrings
        ($json | ConvertFrom-Json).TokenKind | Should -Be 'Projected'
        ($json | ConvertFrom-Json).Verification.UserName | Should -Be 'system:serviceaccount:default:default'
        $json | Should -Not -Match ([regex]::Escape($token))
    }

    It 'is K8sComm.NotInPod outside a pod under -ErrorAction Stop' {
        $saved = $env:KUBERNETES_SERVICE_PORT
        try {
            $env:KUBERNETES_SERVICE_PORT = $null
            { Get-ServiceAccountContext -ServiceAccountPath (Join-Path $TestDrive 'none') -ErrorAction Stop } |
                Should -Throw -ErrorId 'K8sComm.NotInPod,K8sComm.Commands.GetServiceAccountContextCommand'
        }
        finally {
            $env:KUBERNETES_SERVICE_PORT = $saved
        }
    }
}

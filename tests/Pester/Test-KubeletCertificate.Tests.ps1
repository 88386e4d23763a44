# Test-KubeletCertificate in the real pwsh, against sandbox clusters started through the sandbox's `up`:
# the 80-column table, JSON and CSV, kubectl's JSON on the pipeline, a CI gate, and catchable errors.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestModuleManifest)

    $secure = Start-TestSandbox -Posture Secure -Nodes 3
    # The Insecure posture gives each node another weak certificate (seven kinds) and an open kubelet API.
    $insecure = Start-TestSandbox -Posture Insecure -Nodes 7
    $weakStatuses = 'Expired', 'NameMismatch', 'NotYetValid', 'SelfSigned', 'Untrusted', 'WeakKey', 'WeakSignature'
}

AfterAll {
    Stop-TestSandbox $secure
    Stop-TestSandbox $insecure
}

Describe 'Test-KubeletCertificate against sandboxes' {
    It 'finds every kubelet of a secure cluster trusted by the cluster CA' {
        $results = Test-KubeletCertificate -Kubeconfig $secure.Kubeconfig.Certificate -All
        $results | Should -HaveCount 3
        "$($results.Status | Sort-Object -Unique)" | Should -Be 'Trusted'
        $results.Certificate | ForEach-Object { $_ | Should -BeOfType ([System.Security.Cryptography.X509Certificates.X509Certificate2]) }
        $results[0].CertificateAuthority | Should -Match 'context sandbox-admin'
    }

    It 'shows each weakness of an insecure cluster as its own status' {
        $results = Test-KubeletCertificate -Kubeconfig $insecure.Kubeconfig.Certificate -All -CheckAuthentication
        @($results.Status | ForEach-Object { "$_" } | Sort-Object) | Should -Be $weakStatuses
        $results | ForEach-Object { $_.WorstFinding | Should -Be 'KubeletAnonymousAccessAllowed' }
    }
}

Describe 'Views and files' {
    It 'the default table fits 80 columns and names node, status, days, issuer and the worst finding' {
        $text = Test-KubeletCertificate -Kubeconfig $insecure.Kubeconfig.Certificate -All | Out-String -Width 80
        $text -split "`r?`n" | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $text | Should -Match 'Node\s+Status\s+Days\s+Issuer\s+Finding'
        $text | Should -Match 'node-\d\s+SelfSigned\s+\d+\s+CN=node-\d-ca@\S*\s+NotBootstrapped'
    }

    It 'Format-List shows the SANs, the CA that judged it and every finding' {
        $text = Test-KubeletCertificate -Kubeconfig $insecure.Kubeconfig.Certificate -Node node-3 | Format-List | Out-String -Width 120
        $text | Should -Match 'SubjectAlternativeNames\s*:\s*DNS:wrong-node.invalid, IP:10.255.255.1'
        $text | Should -Match 'CertificateAuthority\s*:\s*\S+'
        $text | Should -Match '\[High\] KubeletCertificateNameMismatch'
    }

    It 'ConvertTo-Json keeps status, dates and findings' {
        $json = Test-KubeletCertificate -Kubeconfig $insecure.Kubeconfig.Certificate -Node node-1 |
            Select-Object Node, Status, NotAfter, DaysRemaining, Findings | ConvertTo-Json -Depth 4 -EnumsAsStrings
        $back = $json | ConvertFrom-Json
        $back.Node | Should -Be 'node-1'
        $back.Status | Should -Be 'Expired'
        $back.DaysRemaining | Should -BeLessThan 0
        $back.Findings.Id | Should -Contain 'KubeletCertificateExpired'
    }

    It 'Export-Csv writes one row per kubelet, with the findings readable in their cell' {
        $csv = Join-Path $TestDrive 'kubelets.csv'
        Test-KubeletCertificate -Kubeconfig $insecure.Kubeconfig.Certificate -All | Export-Csv -Path $csv
        $rows = Import-Csv -Path $csv
        $rows | Should -HaveCount 7
        @($rows.Status | Sort-Object) | Should -Be $weakStatuses
        ($rows | Where-Object Status -EQ 'SelfSigned').Findings | Should -Match 'High: KubeletCertificateNotBootstrapped'
    }
}

Describe 'Pipelines' {
    It 'takes the nodes kubectl lists, from ConvertFrom-Json' {
        $kubectl = Get-Command kubectl -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if (-not $kubectl) { Set-ItResult -Skipped -Because 'kubectl is not on PATH'; return }
        $nodes = (& $kubectl --kubeconfig $secure.Kubeconfig.Certificate get nodes -o json | ConvertFrom-Json).items
        $results = $nodes | Test-KubeletCertificate -Kubeconfig $secure.Kubeconfig.Certificate
        @($results.Node | Sort-Object) | Should -Be @('node-0', 'node-1', 'node-2')
        "$($results.Status | Sort-Object -Unique)" | Should -Be 'Trusted'
    }

    It 'a CI gate fails on any kubelet that is not trusted, and passes on a secure cluster' {
        $gate = {
            param($Kubeconfig)
            Import-Module $env:K8SCOMM_TEST_MODULE
            $bad = Test-KubeletCertificate -Kubeconfig $Kubeconfig -All | Where-Object Status -ne Trusted
            if ($bad) { $bad | Format-Table | Out-String -Width 80; exit 1 }
            'all trusted'
        }
        $failing = Invoke-FreshPwsh -Script "& { $gate } '$($insecure.Kubeconfig.Certificate)'"
        $failing.ExitCode | Should -Be 1
        $failing.Output | Should -Match 'SelfSigned'
        $passing = Invoke-FreshPwsh -Script "& { $gate } '$($secure.Kubeconfig.Certificate)'"
        $passing.ExitCode | Should -Be 0
        $passing.Output | Should -Match 'all trusted'
    }
}

Describe 'Errors' {
    It '-ErrorAction Stop makes an unknown node a catchable NodeNotFound' {
        $caught = $null
        try { Test-KubeletCertificate -Kubeconfig $secure.Kubeconfig.Certificate -Node no-such-node -ErrorAction Stop }
        catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'K8sComm.NodeNotFound,*'
        "$($caught.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $caught.TargetObject | Should -Be 'no-such-node'
    }

    It '-ErrorAction Stop makes a bad address a catchable KubeletAddressInvalid' {
        { Test-KubeletCertificate -Address '[::1' -CertificateAuthority $secure.CaBundle -ErrorAction Stop } |
            Should -Throw -ErrorId 'K8sComm.KubeletAddressInvalid,*'
    }

    It 'without -ErrorAction Stop a bad address does not stop the others' {
        $kubelet = '127.0.0.1:{0}' -f (Test-KubeletCertificate -Kubeconfig $secure.Kubeconfig.Certificate -Node node-0).Port
        $results = Test-KubeletCertificate -Address 'bad host', $kubelet -CertificateAuthority $secure.CaBundle -ErrorVariable failures -ErrorAction SilentlyContinue
        "$($results.Status)" | Should -Be 'Trusted'
        $failures | Should -HaveCount 1
    }
}

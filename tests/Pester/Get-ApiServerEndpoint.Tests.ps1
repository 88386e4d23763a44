# Get-ApiServerEndpoint in the real pwsh, against a sandbox cluster started through the sandbox's `up`:
# what a user at a prompt or in a script relies on (views, pipelines, exports, completion, help, errors).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestModuleManifest)

    $sandbox = Start-TestSandbox -Posture Secure -Nodes 1
    # As the quick start has it: the variables `up` prints, set in this session.
    Set-TestSandboxEnvironment $sandbox
    $kubeconfig = $sandbox.Kubeconfig.MultiContext
    $server = 'https://127.0.0.1:{0}' -f $sandbox.ApiServer.Port
    $contexts = 'sandbox-admin', 'sandbox-token', 'sandbox-sa', 'sandbox-insecure'
    # The bearer token of sandbox-token: a secret that must never be shown.
    $token = [regex]::Match((Get-Content -Raw $sandbox.Kubeconfig.Token), '(?m)^\s*token:\s*"?([^"\s]+)').Groups[1].Value
}

AfterAll {
    Stop-TestSandbox $sandbox
}

Describe 'Get-ApiServerEndpoint against a sandbox' {
    It 'with no parameters shows the current context of $env:KUBECONFIG' {
        $endpoint = Get-ApiServerEndpoint
        $endpoint.Context | Should -Be 'sandbox-admin'
        $endpoint.SourceFile | Should -Be $env:KUBECONFIG
        $endpoint.Server | Should -BeLike "$server*"
    }

    It 'lists every context with -All' {
        $endpoints = Get-ApiServerEndpoint -All
        $endpoints | Should -HaveCount 4
        $endpoints.Context | Sort-Object | Should -Be ($contexts | Sort-Object)
        ($endpoints | Where-Object Context -EQ 'sandbox-token').Namespace | Should -Be 'kube-system'
    }

    It 'takes context names from the pipeline, in the order given' {
        ('sandbox-token', 'sandbox-admin' | Get-ApiServerEndpoint).Context | Should -Be @('sandbox-token', 'sandbox-admin')
    }

    It 'probes the sandbox: trusted chain, version, identity, anonymous access rejected' {
        $probe = (Get-ApiServerEndpoint -Context sandbox-admin -Probe).Probe
        $probe.Reachable | Should -BeTrue
        $probe.ChainTrusted | Should -BeTrue
        $probe.NameMatches | Should -BeTrue
        $probe.ServerVersion | Should -Match '^v1\.\d+'
        $probe.Identity | Should -Be 'sandbox-admin'
        "$($probe.AnonymousAccess)" | Should -Be 'Rejected'
    }
}

Describe 'A kubeconfig written by hand' {
    BeforeAll {
        $key = [System.Security.Cryptography.ECDsa]::Create()
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=pester-ca', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
        $ca = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(365))
        $caData = [Convert]::ToBase64String([System.Text.Encoding]::ASCII.GetBytes($ca.ExportCertificatePem()))
        $handWritten = Join-Path $TestDrive 'config'
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
    token: pester-not-a-real-token
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
- name: lab
  context: {cluster: lab-cluster, user: dev-user}
"@ | Set-Content -Path $handWritten -Encoding utf8NoBOM
    }

    It 'resolves its current context: server, namespace, CA, authentication' {
        $endpoint = Get-ApiServerEndpoint -Kubeconfig $handWritten
        $endpoint.Context | Should -Be 'dev'
        $endpoint.Namespace | Should -Be 'team-a'
        $endpoint.Port | Should -Be 6443
        $endpoint.CertificateAuthority.Subject | Should -Be 'CN=pester-ca'
        $endpoint.Authentication.Kind | Should -Contain 'Token'
    }

    It 'keeps an IPv6 host in brackets' {
        (Get-ApiServerEndpoint -Kubeconfig $handWritten -Context lab).Host | Should -Be '[::1]'
    }
}

Describe 'Views' {
    It 'the default view at 80 columns names every context and its server, within the width' {
        $text = Get-ApiServerEndpoint -All | Out-String -Width 80
        foreach ($context in $contexts) { $text | Should -Match ([regex]::Escape($context)) }
        $text | Should -Match ([regex]::Escape($server))
        $text -split "`r?`n" | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
    }

    It 'Format-List shows the skipped verification as a High finding' {
        $text = Get-ApiServerEndpoint -Context sandbox-insecure | Format-List | Out-String -Width 80
        $text | Should -Match 'InsecureSkipTlsVerify\s*:\s*True'
        $text | Should -Match '\[High\] InsecureSkipTlsVerify'
    }

    It 'Format-List * shows every property of the object' {
        $endpoint = Get-ApiServerEndpoint -Context sandbox-admin -Probe
        $text = $endpoint | Format-List * | Out-String -Width 200
        foreach ($property in $endpoint.PSObject.Properties.Name) { $text | Should -Match "(?m)^$property\s+:" }
        $text | Should -Match 'CN=sandbox-cluster-ca'
    }

    It 'Select-Object picks properties and expands findings into objects' {
        $selected = Get-ApiServerEndpoint -All | Select-Object Context, Server, @{ Name = 'CA'; Expression = { $_.CertificateAuthority.Subject } }
        ($selected | Where-Object Context -EQ 'sandbox-admin').CA | Should -Be 'CN=sandbox-cluster-ca'
        $selected[0].PSObject.Properties.Name | Should -Be @('Context', 'Server', 'CA')

        $finding = Get-ApiServerEndpoint -Context sandbox-insecure | Select-Object -ExpandProperty Findings
        $finding.PSObject.TypeNames | Should -Contain 'K8sComm.Finding'
        $finding.Id | Should -Be 'InsecureSkipTlsVerify'
    }
}

Describe 'Pipelines and files' {
    It 'Where-Object on findings finds the context with skipped verification' {
        $high = (Get-ApiServerEndpoint -All).Findings | Where-Object Severity -EQ 'High'
        $high.Id | Should -Contain 'InsecureSkipTlsVerify'
        (Get-ApiServerEndpoint -All | Where-Object { $_.Findings.Severity -contains 'High' }).Context | Should -Be 'sandbox-insecure'
    }

    It 'ConvertTo-Json -Depth 5 holds the whole object, the probe included' {
        $json = Get-ApiServerEndpoint -Context sandbox-admin -Probe | ConvertTo-Json -Depth 5 -WarningVariable truncated
        $truncated | Should -BeNullOrEmpty
        $back = $json | ConvertFrom-Json
        $back.Context | Should -Be 'sandbox-admin'
        $back.Server | Should -BeLike "$server*"
        $back.CertificateAuthority.Subject | Should -Be 'CN=sandbox-cluster-ca'
        $back.Probe.ChainTrusted | Should -BeTrue
        $back.Probe.ServerVersion | Should -Match '^v1\.'

        $insecure = Get-ApiServerEndpoint -Context sandbox-insecure | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $insecure.Findings.Id | Should -Be 'InsecureSkipTlsVerify'
    }

    It 'Export-Csv writes one row per context with its scalar columns' {
        # What the Findings and Authentication cells hold is issue 7's to settle; the scalars are right today.
        $csv = Join-Path $TestDrive 'endpoints.csv'
        Get-ApiServerEndpoint -All | Export-Csv -Path $csv
        $rows = Import-Csv -Path $csv
        $rows | Should -HaveCount 4
        $token = $rows | Where-Object Context -EQ 'sandbox-token'
        $token.Namespace | Should -Be 'kube-system'
        $token.Server | Should -BeLike "$server*"
        $token.Port | Should -Be "$($sandbox.ApiServer.Port)"
        ($rows | Where-Object Context -EQ 'sandbox-insecure').InsecureSkipTlsVerify | Should -Be 'True'
    }

    It 'Export-Clixml and Import-Clixml keep what a later session reasons over' {
        $file = Join-Path $TestDrive 'endpoints.xml'
        @(Get-ApiServerEndpoint -Context sandbox-admin -Probe) + @(Get-ApiServerEndpoint -Context sandbox-insecure) | Export-Clixml -Path $file
        $admin, $insecure = Import-Clixml -Path $file
        $admin.PSObject.TypeNames | Should -Contain 'Deserialized.K8sComm.ApiServerEndpoint'
        $admin.Context | Should -Be 'sandbox-admin'
        $admin.Probe.ChainTrusted | Should -BeTrue
        "$($admin.Probe.AnonymousAccess)" | Should -Be 'Rejected'
        $insecure.Findings.Id | Should -Be 'InsecureSkipTlsVerify'
        "$($insecure.Findings.Severity)" | Should -Be 'High'
        ($insecure.Findings | Where-Object Severity -EQ 'High') | Should -Not -BeNullOrEmpty
    }

    It 'never shows the token, in any stream or view' {
        $token | Should -Not -BeNullOrEmpty
        $all = Get-ApiServerEndpoint -Context sandbox-token -Probe -Verbose -Debug *>&1 | Out-String -Width 300
        $all += Get-ApiServerEndpoint -All | Format-List * | Out-String -Width 300
        $all += Get-ApiServerEndpoint -Context sandbox-token -Probe | ConvertTo-Json -Depth 8
        $all | Should -Not -Match ([regex]::Escape($token))
    }
}

Describe 'Tab completion' {
    It 'completes -Context from $env:KUBECONFIG' {
        $line = 'Get-ApiServerEndpoint -Context sandbox-t'
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Should -Be @('sandbox-token')
    }

    It 'completes -Context from the -Kubeconfig on the same line' {
        $line = "Get-ApiServerEndpoint -Kubeconfig '$($sandbox.Kubeconfig.Token)' -Context "
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Should -Be @('sandbox-token')

        $line = "Get-ApiServerEndpoint -Kubeconfig '$kubeconfig' -Context sandbox-"
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Sort-Object | Should -Be ($contexts | Sort-Object)
    }
}

Describe 'Errors and preferences' {
    It '-ErrorAction Stop makes an unknown context a catchable error with its id, category and the contexts there are' {
        $caught = $null
        try { Get-ApiServerEndpoint -Context nope -ErrorAction Stop }
        catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'K8sComm.ContextNotFound,*'
        "$($caught.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        "$caught" | Should -Match 'sandbox-admin'
    }

    It '-ErrorAction Stop makes a missing kubeconfig catchable as KubeconfigNotFound' {
        $missing = Join-Path $TestDrive 'no-such-config'
        { Get-ApiServerEndpoint -Kubeconfig $missing -ErrorAction Stop } | Should -Throw -ErrorId 'K8sComm.KubeconfigNotFound,*'
    }

    It 'without -ErrorAction Stop an error does not stop the pipeline' {
        $results = 'nope', 'sandbox-sa' | Get-ApiServerEndpoint -ErrorVariable failures -ErrorAction SilentlyContinue
        $results.Context | Should -Be 'sandbox-sa'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'K8sComm.ContextNotFound,*'
    }

    It 'honours $PSDefaultParameterValues' {
        $PSDefaultParameterValues = @{ 'Get-ApiServerEndpoint:Kubeconfig' = $sandbox.Kubeconfig.Token; 'Get-ApiServerEndpoint:Probe' = $true }
        $endpoint = Get-ApiServerEndpoint
        $endpoint.Context | Should -Be 'sandbox-token'
        $endpoint.Probe.Identity | Should -Be 'sandbox-admin'
    }

    It 'offers no -WhatIf: it only reads' {
        (Get-Command Get-ApiServerEndpoint).Parameters.Keys | Should -Not -Contain 'WhatIf'
        { Get-ApiServerEndpoint -WhatIf } | Should -Throw -ErrorId 'NamedParameterNotFound,*'
    }
}

Describe 'Get-Help -Full in <culture>' -ForEach @(
    @{ culture = 'en-US'; korean = $false }
    @{ culture = 'ko-KR'; korean = $true }
) {
    BeforeAll {
        # Each culture in its own pwsh: Get-Help caches help per command for the life of a session.
        $facts = Invoke-FreshPwsh -Script @"
[cultureinfo]::CurrentUICulture = [cultureinfo]::CurrentCulture = '$culture'
Import-Module `$env:K8SCOMM_TEST_MODULE
`$help = Get-Help Get-ApiServerEndpoint -Full
`$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
[pscustomobject]@{
    Synopsis = `$help.Synopsis.Trim()
    Examples = @(`$help.examples.example).Count
    Parameters = @((Get-Command Get-ApiServerEndpoint).Parameters.Keys | Where-Object { `$_ -notin `$common })
    Documented = @(`$help.parameters.parameter | Where-Object { ((`$_.description | ForEach-Object Text) -join '').Trim() } | ForEach-Object name)
    Text = `$help | Out-String -Width 120
} | ConvertTo-Json -Depth 3
"@
        $facts.Errors | Should -BeNullOrEmpty
        $help = $facts.Output | ConvertFrom-Json
        $markdown = Get-Content -Raw (Join-Path (Get-RepoRoot) 'docs' $culture 'Get-ApiServerEndpoint.md')
    }

    It 'shows the synopsis written for <culture>' {
        $written = [regex]::Match($markdown, '## SYNOPSIS\s*\n(.+?)\n\s*\n', 'Singleline').Groups[1].Value.Trim() -replace '\s+', ' '
        $help.Synopsis | Should -Be $written
        $help.Synopsis -match '\p{IsHangulSyllables}' | Should -Be $korean
    }

    It 'documents every parameter and has examples' {
        $help.Examples | Should -BeGreaterThan 0
        foreach ($parameter in $help.Parameters) { $help.Documented | Should -Contain $parameter }
    }

    It 'reads in <culture> throughout' {
        $hangul = @($help.Text -split "`n" | Where-Object { $_ -match '\p{IsHangulSyllables}' }).Count
        if ($korean) { $hangul | Should -BeGreaterOrEqual 20 } else { $hangul | Should -Be 0 }
    }
}

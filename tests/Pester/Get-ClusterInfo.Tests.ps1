#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Get-ClusterInfo in the real pwsh against a sandbox cluster started through the sandbox's `up`, with kubectl
# (where it is on PATH) as the judge of the URLs.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestModuleManifest)

    $sandbox = Start-TestSandbox -Posture Secure -Nodes 1
    $kubeconfig = $sandbox.Kubeconfig.Certificate
    $server = 'https://127.0.0.1:{0}' -f $sandbox.ApiServer.Port
}

AfterAll {
    Stop-TestSandbox $sandbox
}

Describe 'Get-ClusterInfo' {
    It 'lists the control plane first and names services by their kubernetes.io/name label' {
        $entries = Get-ClusterInfo -Kubeconfig $kubeconfig
        $entries[0].Kind | Should -Be 'ControlPlane'
        "$($entries[0])" | Should -Be $server
        ($entries | Where-Object Service -eq 'kube-dns').Name | Should -Be 'CoreDNS'
        "$($entries | Where-Object Service -eq 'kube-dns')" | Should -Be "$server/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"
    }

    It 'prints the URLs kubectl cluster-info prints' -Skip:(-not (Get-Command kubectl -ErrorAction SilentlyContinue)) {
        $theirs = kubectl --kubeconfig $kubeconfig cluster-info | ForEach-Object { $_ -replace '\x1b\[[0-9;]*m' } |
            Where-Object { $_ -match ' is running at ' } |
            ForEach-Object { $name, $links = $_ -split ' is running at ', 2; $links.Trim() -split ' ' | ForEach-Object { "$name|$_" } }
        $ours = Get-ClusterInfo -Kubeconfig $kubeconfig | ForEach-Object { "$($_.Name)|$_" }
        $ours | Should -Be $theirs
    }

    It 'shows Name and Url in a table at 80 columns' {
        $text = Get-ClusterInfo -Kubeconfig $kubeconfig | Format-Table | Out-String -Width 80
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Name\s+Url'
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $text | Should -Match 'Kubernetes control plane'
    }

    It 'exports the exact URLs to CSV and JSON' {
        $entries = Get-ClusterInfo -Kubeconfig $kubeconfig
        $csv = Join-Path $TestDrive 'info.csv'
        $entries | Export-Csv -Path $csv
        (Import-Csv -Path $csv).Url | Should -Be ($entries | ForEach-Object { "$_" })
        ($entries | ConvertTo-Json -Depth 2 | ConvertFrom-Json).Url | Should -Be ($entries | ForEach-Object { "$_" })
        (Import-Csv -Path $csv | Where-Object Service -eq 'ingress-gateway').Url | Should -Be @('http://203.0.113.10:80', 'http://203.0.113.10:443')
    }

    It 'pipes service entries into New-ProxyUrl' {
        $urls = Get-ClusterInfo -Kubeconfig $kubeconfig | Where-Object { $_.Kind -eq 'Service' -and -not $_.LoadBalancer } |
            New-ProxyUrl -Kubeconfig $kubeconfig -Path /healthz -AsString
        $urls | Should -Contain "$server/api/v1/namespaces/kube-system/services/https:kubernetes-dashboard:/proxy/healthz"
    }

    It 'builds URLs that reach a service through kubectl proxy' -Skip:(-not (Get-Command kubectl -ErrorAction SilentlyContinue)) {
        $start = [System.Diagnostics.ProcessStartInfo]::new('kubectl')
        foreach ($arg in '--kubeconfig', $kubeconfig, 'proxy', '--port=0', '--address=127.0.0.1') { $start.ArgumentList.Add($arg) }
        $start.RedirectStandardOutput = $true
        $proxy = [System.Diagnostics.Process]::Start($start)
        try {
            $line = $proxy.StandardOutput.ReadLine()
            $line -match 'Starting to serve on 127\.0\.0\.1:(\d+)' | Should -BeTrue -Because $line
            $base = "http://127.0.0.1:$($Matches[1])"
            $echo = New-ProxyUrl -Service echo -Namespace default -Scheme https -Port https -Path '/from pester/' -BaseUri $base |
                ForEach-Object { Invoke-RestMethod -Uri $_.Url }
            $echo.backend | Should -Be 'https'
            $echo.path | Should -Be '/from pester/'
        }
        finally {
            $proxy.Kill($true)
            $proxy.WaitForExit()
        }
    }
}

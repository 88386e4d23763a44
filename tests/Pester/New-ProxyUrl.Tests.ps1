#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# New-ProxyUrl in the real pwsh: what only a real shell shows (formatting, Export-Csv, ConvertTo-Json,
# ConvertFrom-Json input, tab completion). The xunit engine tests cover binding and errors in depth.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestModuleManifest)
    $base = 'https://10.0.0.1:443/clusters/prod'
}

Describe 'New-ProxyUrl' {
    It 'shows Kind, Namespace, Name and the whole URL in a table at 80 columns' {
        $text = New-ProxyUrl -Service kube-dns -Namespace kube-system -Port dns -BaseUri $base |
            Format-Table | Out-String -Width 80
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Kind\s+Namespace\s+Name\s+Url'
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        # The URL wraps rather than being cut off: every character is still on screen.
        ($lines[2..($lines.Count - 1)] | ForEach-Object { $_.Substring([Math]::Min(40, $_.Length)).Trim() }) -join '' |
            Should -Be "$base/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"
    }

    It 'writes the exact URL as a string, to JSON and to CSV' {
        $url = New-ProxyUrl -Service es -Namespace logging -Scheme https -Path '/a b/' -BaseUri $base
        $expected = "$base/api/v1/namespaces/logging/services/https:es:/proxy/a%20b/"
        "$url" | Should -Be $expected
        "$($url.Url)" | Should -Be $expected
        ($url | ConvertTo-Json -Depth 3 | ConvertFrom-Json).Url | Should -Be $expected
        $csv = Join-Path $TestDrive 'urls.csv'
        $url | Export-Csv -Path $csv
        (Import-Csv -Path $csv).Url | Should -Be $expected
        New-ProxyUrl -Service es -Namespace logging -Scheme https -Path '/a b/' -BaseUri $base -AsString | Should -Be $expected
    }

    It 'takes the items of kubectl get -o json | ConvertFrom-Json, one URL per service port' {
        $json = @'
{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},
  "spec":{"ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"https","port":443,"protocol":"TCP"}]}},
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"shop"},"spec":{"containers":[]}},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1"}}]}
'@
        ($json | ConvertFrom-Json).items | New-ProxyUrl -Relative -AsString | Should -Be @(
            '/api/v1/namespaces/shop/services/web:http/proxy'
            '/api/v1/namespaces/shop/services/https:web:https/proxy'
            '/api/v1/namespaces/shop/pods/web-0/proxy'
            '/api/v1/nodes/node-1/proxy')
    }

    It 'refuses a path that climbs out, as a non-terminating error for that item' {
        $urls = New-ProxyUrl -Service web, good -Path '/../../secrets' -Relative -AsString -ErrorVariable failures -ErrorAction SilentlyContinue
        $urls | Should -BeNullOrEmpty
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'K8sComm.ProxyPathInvalid,K8sComm.Commands.NewProxyUrlCommand'
    }

    It 'completes -Scheme' {
        $line = 'New-ProxyUrl -Service web -Scheme '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('http', 'https')
    }
}

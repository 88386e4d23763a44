# Invoke-InPodApiCall in the real pwsh, against a sandbox started through `up`, with the pod's variables
# set in this session (as a pod has them): what a script in a CronJob or a runbook relies on.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestModuleManifest)

    $sandbox = Start-TestSandbox -Posture Secure -Nodes 1
    Set-TestSandboxEnvironment $sandbox
    $sa = $sandbox.ServiceAccountDirectory
    $token = (Get-Content -Raw (Join-Path $sa 'token')).Trim()
    $ownPods = '/api/v1/namespaces/{namespace}/pods'
}

AfterAll {
    Stop-TestSandbox $sandbox
}

Describe 'Invoke-InPodApiCall as a pod' {
    It 'lists the pods of its own namespace as objects with Kubernetes'' property names' {
        $pods = Invoke-InPodApiCall $ownPods -ServiceAccountPath $sa
        $pods.metadata.name | Should -Contain 'echo-0'
        $pods[0].metadata.namespace | Should -Be 'default'
        $pods[0].status.phase | Should -Be 'Running'
    }

    It 'round-trips through ConvertTo-Json with the names and strings the API server sent' {
        $raw = Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods/echo-0' -Raw -ServiceAccountPath $sa | ConvertFrom-Json -AsHashtable
        $pod = Invoke-InPodApiCall '/api/v1/namespaces/{namespace}/pods/echo-0' -ServiceAccountPath $sa
        $again = $pod | ConvertTo-Json -Depth 50 | ConvertFrom-Json -AsHashtable
        $again.metadata.name | Should -Be 'echo-0'
        $again.metadata.creationTimestamp | Should -Be $raw.metadata.creationTimestamp
        $again.spec.containers[0].ports.Count | Should -Be $raw.spec.containers[0].ports.Count
    }

    It 'takes a K8sComm.ProxyUrl from New-ProxyUrl on the pipeline and calls its Url' {
        $echo = New-ProxyUrl -Service echo -Namespace default -Port http -Path /hello -Relative |
            Invoke-InPodApiCall -Context sandbox-admin -Raw
        $echo | Should -Match '/hello'
    }

    It '-WhatIf sends nothing; the same call without it reaches the server' {
        # As the admin, so the request gets past RBAC and shows that it reached the API server.
        $delete = @{ Path = '/api/v1/namespaces/default/pods/echo-0'; Method = 'DELETE'; Context = 'sandbox-admin' }
        $whatIf = Invoke-InPodApiCall @delete -WhatIf -ErrorVariable whatIfErrors -ErrorAction SilentlyContinue
        $whatIf | Should -BeNullOrEmpty
        $whatIfErrors | Should -BeNullOrEmpty
        # The sandbox implements no writes: a request that really went out comes back as 405.
        { Invoke-InPodApiCall @delete -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'K8sComm.ApiError,K8sComm.Commands.InvokeInPodApiCallCommand'
    }

    It 'stops with K8sComm.ApiForbidden under -ErrorAction Stop and names the missing Role rule' {
        $failure = { Invoke-InPodApiCall /api/v1/namespaces/kube-system/pods -ServiceAccountPath $sa -ErrorAction Stop } |
            Should -Throw -ErrorId 'K8sComm.ApiForbidden,K8sComm.Commands.InvokeInPodApiCallCommand' -PassThru
        "$($failure.CategoryInfo.Category)" | Should -Be 'PermissionDenied'
        $failure.ErrorDetails.Message | Should -Match 'system:serviceaccount:default:default may not list "pods" in the namespace "kube-system"'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'kubectl create role list-pods -n kube-system --verb=list --resource=pods'
    }

    It 'is K8sComm.NotInPod outside a pod, naming what is missing' {
        $saved = $env:KUBERNETES_SERVICE_HOST
        try {
            $env:KUBERNETES_SERVICE_HOST = $null
            { Invoke-InPodApiCall /version -ServiceAccountPath (Join-Path $TestDrive 'none') -ErrorAction Stop } |
                Should -Throw -ErrorId 'K8sComm.NotInPod,K8sComm.Commands.InvokeInPodApiCallCommand' -ExpectedMessage '*KUBERNETES_SERVICE_HOST*'
        }
        finally {
            $env:KUBERNETES_SERVICE_HOST = $saved
        }
    }

    It 'formats watch events as a table of type, kind, namespace and name within 80 columns' {
        $table = Invoke-InPodApiCall $ownPods -Watch -TimeoutSec 2 -ServiceAccountPath $sa | Format-Table | Out-String -Width 80
        $table | Should -Match 'ADDED\s+Pod\s+default\s+echo-0'
        ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'shows the token in no stream, not even with -Verbose and -Debug' {
        $all = & {
            Invoke-InPodApiCall $ownPods -ServiceAccountPath $sa -Verbose -Debug
            Invoke-InPodApiCall /api/v1/namespaces/kube-system/pods -ServiceAccountPath $sa -Verbose -ErrorAction Continue
            Invoke-InPodApiCall $ownPods -SkipCertificateCheck -ServiceAccountPath $sa -Verbose
        } *>&1 | Out-String -Width 400
        $all | Should -Not -BeNullOrEmpty
        $all | Should -Not -Match ([regex]::Escape($token))
    }
}

@{
    RootModule           = 'K8sComm.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c2a7e-3f4d-4c1b-9a8e-6d2f71c4e9a3'
    Author               = 'The K8sComm authors'
    CompanyName          = 'K8sComm'
    Copyright            = '(c) 2026 The K8sComm authors. MIT License.'
    Description          = 'Makes the communication paths between a Kubernetes control plane and its nodes visible, testable and safe to use: API server discovery, TLS trust checks, proxy URLs and in-pod API calls.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('K8sComm.format.ps1xml')
    CmdletsToExport      = @(
        'Get-ApiServerEndpoint'
        'Test-KubeletCertificate'
        'Get-ClusterInfo'
        'New-ProxyUrl'
        'Get-ServiceAccountContext'
        'Invoke-InPodApiCall'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Kubernetes', 'k8s', 'TLS', 'Security', 'Audit', 'kubeconfig', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/k8scomm/K8sComm'
            LicenseUri   = 'https://github.com/k8scomm/K8sComm/blob/main/LICENSE'
            ReleaseNotes = 'First release: Get-ApiServerEndpoint finds every API server a kubeconfig or a pod knows, shows how a client reaches it and probes whether the TLS trust holds.'
        }
    }
}

# Shared by every tests/Pester/*.Tests.ps1: where the built module is, sandbox clusters started through the
# sandbox's own `up` command (as a person starts one), and fresh pwsh processes.
#
#   $sandbox = Start-TestSandbox -Posture Insecure -Nodes 2
#   $sandbox.Kubeconfig.MultiContext; $sandbox.Environment.KUBECONFIG; $sandbox.ApiServer
#   Set-TestSandboxEnvironment $sandbox      # exports its variables until it stops
#   Stop-TestSandbox $sandbox                # or $sandbox.Stop(); always, in AfterAll
#
# Tests/Invoke-PesterSuite.ps1 sets K8SCOMM_TEST_MODULE and K8SCOMM_TEST_SANDBOX; without them (Invoke-Pester
# by hand) the Debug build's paths are used.

Set-StrictMode -Version Latest

$script:repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$script:running = [System.Collections.Generic.List[object]]::new()

function Get-RepoRoot { $script:repoRoot }

<#
.SYNOPSIS
    The manifest of the built module: out/K8sComm/<version>/K8sComm.psd1.
#>
function Get-TestModuleManifest {
    if ($env:K8SCOMM_TEST_MODULE) { return $env:K8SCOMM_TEST_MODULE }
    $version = (Import-PowerShellDataFile -Path (Join-Path $script:repoRoot 'K8sComm.psd1')).ModuleVersion
    Join-Path $script:repoRoot 'out' 'K8sComm' $version 'K8sComm.psd1'
}

function Get-SandboxAssembly {
    if ($env:K8SCOMM_TEST_SANDBOX) { return $env:K8SCOMM_TEST_SANDBOX }
    $built = Get-ChildItem -Path (Join-Path $script:repoRoot 'tests' 'K8sComm.Sandbox' 'bin') -Filter 'K8sComm.Sandbox.dll' -Recurse -ErrorAction Ignore |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not $built) { throw 'The sandbox is not built: dotnet build tests/K8sComm.Sandbox' }
    $built.FullName
}

<#
.SYNOPSIS
    Starts a sandbox cluster with `K8sComm.Sandbox up` in a background process and returns what it printed.
.OUTPUTS
    An object with ApiServer (Uri), Posture, Nodes, Kubeconfig (Certificate, Token, Insecure, MultiContext,
    Split), CaBundle, ServiceAccountDirectory, Environment (name -> value, as `up` tells a user to set them),
    Output (what `up` printed) and a Stop() method.
#>
function Start-TestSandbox {
    [CmdletBinding()]
    param(
        [ValidateSet('Secure', 'Insecure')]
        [string] $Posture = 'Secure',

        [ValidateRange(0, 5000)]
        [int] $Nodes = 1,

        [switch] $IPv6,

        [timespan] $Timeout = [timespan]::FromSeconds(60)
    )

    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @((Get-SandboxAssembly), 'up', '--posture', $Posture, '--nodes', "$Nodes") + @(if ($IPv6) { '--ipv6' })) {
        $start.ArgumentList.Add($argument)
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $errors = $process.StandardError.ReadToEndAsync()

    $lines = [System.Collections.Generic.List[string]]::new()
    try {
        $deadline = [datetime]::UtcNow + $Timeout
        while ($true) {
            $next = $process.StandardOutput.ReadLineAsync()
            $left = $deadline - [datetime]::UtcNow
            if ($left -le [timespan]::Zero -or -not $next.Wait($left)) { throw "The sandbox did not start within $Timeout." }
            if ($null -eq $next.Result) {
                $process.WaitForExit()
                throw "The sandbox exited with code $($process.ExitCode): $($errors.Result)"
            }
            $lines.Add($next.Result)
            if ($next.Result -like '*Ctrl+C*') { break }
        }
    }
    catch {
        if (-not $process.HasExited) { $process.Kill($true) }
        $process.Dispose()
        throw
    }
    # Whatever it prints from now on (its goodbye) must not fill the pipe and block it.
    $null = $process.StandardOutput.ReadToEndAsync()

    $text = $lines -join "`n"
    $labels = [ordered]@{
        Certificate = 'client certificate'; Token = 'bearer token'; Insecure = 'insecure (no CA)'
        MultiContext = 'several contexts'; Split = 'split across files'
    }
    $kubeconfig = [ordered]@{}
    foreach ($name in $labels.Keys) { $kubeconfig[$name] = Get-PrintedValue $text $labels[$name] }
    $environment = [ordered]@{}
    foreach ($match in [regex]::Matches($text, "(?m)^\s+\`$env:(\w+) = '((?:[^']|'')*)'\s*$")) {
        $environment[$match.Groups[1].Value] = $match.Groups[2].Value.Replace("''", "'")
    }

    $sandbox = [pscustomobject]@{
        PSTypeName              = 'K8sComm.TestSandbox'
        ApiServer               = [uri][regex]::Match($text, ' at (https://\S+)').Groups[1].Value
        Posture                 = $Posture
        Nodes                   = $Nodes
        Kubeconfig              = [pscustomobject]$kubeconfig
        CaBundle                = Get-PrintedValue $text 'CA bundle'
        ServiceAccountDirectory = Get-PrintedValue $text 'service account dir'
        Environment             = $environment
        Output                  = $text
        Process                 = $process
        SavedEnvironment        = $null
    }
    $sandbox | Add-Member -MemberType ScriptMethod -Name Stop -Value { Stop-TestSandbox -Sandbox $this }
    $script:running.Add($sandbox)
    $sandbox
}

function Get-PrintedValue([string] $Text, [string] $Label) {
    $match = [regex]::Match($Text, "(?m)^\s*$([regex]::Escape($Label))\s*: (.+?)\s*$")
    if (-not $match.Success) { throw "The sandbox's output has no '$Label' line:`n$Text" }
    $match.Groups[1].Value
}

<#
.SYNOPSIS
    Sets the environment variables the sandbox's `up` prints (KUBECONFIG, KUBERNETES_SERVICE_*) until it stops.
#>
function Set-TestSandboxEnvironment {
    param([Parameter(Mandatory)] [psobject] $Sandbox)
    if ($null -eq $Sandbox.SavedEnvironment) {
        $Sandbox.SavedEnvironment = @{}
        foreach ($name in $Sandbox.Environment.Keys) { $Sandbox.SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
    }
    foreach ($name in $Sandbox.Environment.Keys) { [Environment]::SetEnvironmentVariable($name, $Sandbox.Environment[$name]) }
}

<#
.SYNOPSIS
    Stops a sandbox as Ctrl+C would (SIGTERM, so it removes its files), restores the environment it set.
#>
function Stop-TestSandbox {
    param([Parameter(Mandatory, ValueFromPipeline)] [AllowNull()] [psobject] $Sandbox)
    process {
        if ($null -eq $Sandbox) { return }
        if ($Sandbox.SavedEnvironment) {
            foreach ($name in $Sandbox.SavedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $Sandbox.SavedEnvironment[$name]) }
            $Sandbox.SavedEnvironment = $null
        }
        $process = $Sandbox.Process
        try {
            if (-not $process.HasExited) {
                if ($IsWindows) { $process.Kill($true) }
                else { & (Get-Command -Name kill -CommandType Application | Select-Object -First 1) -TERM $process.Id }
                if (-not $process.WaitForExit(30000)) {
                    $process.Kill($true)
                    throw "The sandbox (process $($process.Id)) did not stop within 30 s of SIGTERM; killed."
                }
            }
        }
        finally {
            $null = $script:running.Remove($Sandbox)
        }
    }
}

<#
.SYNOPSIS
    Runs a script in a fresh `pwsh -NoProfile` (the same PowerShell as this one) and returns its output,
    error text and exit code.
#>
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        # What a person would type, for scripts that start an interactive pwsh.
        [string] $StandardInput = '',
        [timespan] $Timeout = [timespan]::FromSeconds(120)
    )
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    # Plain text for the test to read: no progress records, no ANSI colours.
    $prelude = "`$ProgressPreference = 'SilentlyContinue'; `$PSStyle.OutputRendering = 'PlainText'`n"
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($prelude + $Script))
    foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.RedirectStandardInput = $true
    $start.Environment['K8SCOMM_TEST_MODULE'] = Get-TestModuleManifest
    foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        $process.StandardInput.Write($StandardInput)
        $process.StandardInput.Close()
        if (-not $process.WaitForExit([int]$Timeout.TotalMilliseconds)) {
            $process.Kill($true)
            throw "The fresh pwsh did not finish within $Timeout."
        }
        [pscustomobject]@{ Output = $output.Result; Errors = $errors.Result; ExitCode = $process.ExitCode }
    }
    finally {
        $process.Dispose()
    }
}

# A sandbox a test forgot (or a run interrupted) is stopped when this module is removed or pwsh exits.
$ExecutionContext.SessionState.Module.OnRemove = { foreach ($sandbox in @($script:running)) { Stop-TestSandbox -Sandbox $sandbox } }
$null = Register-EngineEvent -SourceIdentifier PowerShell.Exiting -MessageData $script:running -Action {
    foreach ($sandbox in @($Event.MessageData)) {
        if ($sandbox.Process.HasExited) { continue }
        if ($IsWindows) { $sandbox.Process.Kill($true) } else { & /bin/kill -TERM $sandbox.Process.Id }
        $null = $sandbox.Process.WaitForExit(30000)
    }
}

Export-ModuleMember -Function Get-RepoRoot, Get-TestModuleManifest, Start-TestSandbox, Stop-TestSandbox, Set-TestSandboxEnvironment, Invoke-FreshPwsh

using System.Management.Automation;
using K8sComm.Completion;
using K8sComm.Core;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Errors;
using K8sComm.Resources;

namespace K8sComm.Commands;

/// <summary>
/// Finds the API servers a kubeconfig (or the pod this runs in) points at, shows how a client reaches
/// each one, and with -Probe connects to see whether the trust really holds.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ApiServerEndpoint", DefaultParameterSetName = ContextSet)]
[OutputType(typeof(ApiServerEndpoint))]
public sealed class GetApiServerEndpointCommand : PSCmdlet, IDisposable
{
    private const string ContextSet = "Context";
    private const string AllSet = "All";
    private const string InClusterSet = "InCluster";

    // Enough to overlap the waiting on a fleet of contexts without opening hundreds of connections at once.
    private const int MaxConcurrentProbes = 8;

    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _probeSlots = new(MaxConcurrentProbes);
    private EndpointDiscovery? _discovery;

    [Parameter(ParameterSetName = ContextSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Context { get; set; }

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    [Parameter(ParameterSetName = InClusterSet, Mandatory = true)]
    public SwitchParameter InCluster { get; set; }

    [Parameter(ParameterSetName = ContextSet)]
    [Parameter(ParameterSetName = AllSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Kubeconfig { get; set; }

    [Parameter(ParameterSetName = InClusterSet)]
    [ValidateNotNullOrEmpty]
    public string ServiceAccountPath { get; set; } = InClusterResolver.DefaultServiceAccountPath;

    [Parameter]
    public SwitchParameter Probe { get; set; }

    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 10;

    protected override void ProcessRecord()
    {
        try
        {
            WriteEndpoints(ResolveEndpoints());
        }
        catch (K8sCommException failure)
        {
            WriteError(ErrorRecords.From(failure));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        _probeSlots.Dispose();
    }

    private IEnumerable<ApiServerEndpoint> ResolveEndpoints()
    {
        var discovery = _discovery ??= OpenDiscovery();
        IEnumerable<string?> names = Context ?? new string?[] { null };
        var resolutions = All || discovery.IsInCluster
            ? discovery.ResolveAll(_stopping.Token)
            : names.Select(discovery.Resolve).ToList();
        var endpoints = new List<ApiServerEndpoint>();
        foreach (var resolution in resolutions)
        {
            // One bad context is that context's error, not the end of the command.
            if (resolution.Error is not null) WriteError(ErrorRecords.From(resolution.Error));
            else endpoints.Add(ApiServerEndpoint.From(resolution.Endpoint!));
        }
        return endpoints;
    }

    /// <summary>Finds and reads the kubeconfig (or the pod's service account) once per command,
    /// however many contexts arrive on the pipeline.</summary>
    private EndpointDiscovery OpenDiscovery()
    {
        var discovery = EndpointDiscovery.Open(new DiscoveryRequest
        {
            Kubeconfig = Kubeconfig?.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
            Context = Context?.FirstOrDefault(),
            InCluster = InCluster,
            ServiceAccountPath = GetUnresolvedProviderPathFromPSPath(ServiceAccountPath),
            WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        }, cancellationToken: _stopping.Token);
        WriteVerbose(discovery.IsInCluster
            ? string.Format(Strings.Verbose_InCluster, GetUnresolvedProviderPathFromPSPath(ServiceAccountPath))
            : string.Format(Strings.Verbose_ReadingKubeconfig, string.Join(", ", discovery.KubeconfigFiles)));
        return discovery;
    }

    private void WriteEndpoints(IEnumerable<ApiServerEndpoint> endpoints)
    {
        if (!Probe)
        {
            foreach (var endpoint in endpoints) WriteObject(endpoint);
            return;
        }
        ProbeAndWrite(endpoints.ToList());
    }

    /// <summary>Probes the endpoints side by side and writes each as soon as its probe ends.</summary>
    private void ProbeAndWrite(IReadOnlyList<ApiServerEndpoint> endpoints)
    {
        if (endpoints.Count == 0) return;
        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        var pending = endpoints.ToDictionary(
            endpoint => ProbeOne(endpoint, timeout),
            endpoint => endpoint);
        var progress = new ProgressRecord(1, Strings.Progress_Probing, " ");
        int finished = 0;
        while (pending.Count > 0)
        {
            var done = Task.WhenAny(pending.Keys).GetAwaiter().GetResult();
            var endpoint = pending[done];
            pending.Remove(done);
            endpoint.Probe = ApiServerProbe.From(done.GetAwaiter().GetResult());
            progress.StatusDescription = endpoint.Server.ToString();
            progress.PercentComplete = ++finished * 100 / endpoints.Count;
            WriteProgress(progress);
            WriteObject(endpoint);
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    // Writes its messages here, on the pipeline thread; only the probe itself runs in the background.
    private Task<ProbeResult> ProbeOne(ApiServerEndpoint endpoint, TimeSpan timeout)
    {
        WriteVerbose(string.Format(Strings.Verbose_Probing, endpoint.Server));
        if (endpoint.InsecureSkipTlsVerify)
        {
            // The user's own setting, honoured as a client would; but say out loud what it means.
            WriteWarning(string.Format(Strings.Warning_ProbeWithoutVerification, endpoint.Context ?? endpoint.Server.ToString()));
        }
        return ProbeInSlotAsync(endpoint.Resolved, timeout);
    }

    private async Task<ProbeResult> ProbeInSlotAsync(ResolvedEndpoint endpoint, TimeSpan timeout)
    {
        await _probeSlots.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            return await ApiServerProber.ProbeAsync(endpoint, timeout, _stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _probeSlots.Release();
        }
    }
}

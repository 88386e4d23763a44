using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Commands.Base;
using K8sComm.Completion;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Resources;

namespace K8sComm.Commands;

/// <summary>
/// Finds the API servers a kubeconfig (or the pod this runs in) points at, shows how a client reaches
/// each one, and with -Probe connects to see whether the trust really holds. With -Server it makes an
/// endpoint from a URL and credentials alone, for every other cmdlet to use.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ApiServerEndpoint", DefaultParameterSetName = ContextSet)]
[OutputType(typeof(ApiServerEndpoint))]
public sealed class GetApiServerEndpointCommand : ApiServerCmdlet
{
    private const string ContextSet = "Context";
    private const string AllSet = "All";
    private const string ServerSet = "Server";

    private ConcurrentWork<ApiServerEndpoint>? _probes;

    [Parameter(ParameterSetName = ContextSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [AllowNull]
    [AllowEmptyCollection]
    public string[]? Context { get; set; }

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    /// <summary>An API server URL: the endpoint is made from it and the credentials given beside it.</summary>
    [Parameter(ParameterSetName = ServerSet, Mandatory = true)]
    [ValidateNotNull]
    public Uri? Server { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNull]
    public SecureString? Token { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthority { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthorityData { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNull]
    public X509Certificate2? ClientCertificate { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    [Parameter]
    public SwitchParameter Probe { get; set; }

    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 10;

    /// <summary>Probes at once: enough to overlap the waiting on a fleet of contexts without opening
    /// hundreds of connections.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    // An endpoint made with -Server has no context: piped in, its null Context property binds here.
    protected override IReadOnlyList<string>? ContextNames =>
        Context?.Where(name => !string.IsNullOrEmpty(name)).ToArray() is { Length: > 0 } names ? names : null;

    protected override void OnBegin()
    {
        if (Probe)
            _probes = StartWork<ApiServerEndpoint>(ThrottleLimit, Strings.Progress_Probing, ordered: true);
    }

    protected override void OnRecord()
    {
        if (_probes is null)
        {
            WriteObject(Server is not null ? [Direct()] : ResolveEndpoints(All), enumerateCollection: true);
            return;
        }

        // A context that fails takes its place in line: output keeps the order asked for, and
        // -ErrorAction Stop still gets every result before it.
        var resolutions = Server is not null ? [(Direct(), null)] : Resolve(All);
        foreach (var (endpoint, failure) in resolutions)
        {
            if (failure is null) StartProbe(endpoint!);
            else _probes.Add(_ => Task.FromException<ApiServerEndpoint>(failure));
        }
        WriteFinished(_probes, waitForAll: false);
    }

    protected override void OnEnd()
    {
        if (_probes is not null)
            WriteFinished(_probes, waitForAll: true);
    }

    protected override void CheckConnectionParameters()
    {
        base.CheckConnectionParameters();
        if (Server is null)
            return;
        var other = Endpoint is not null ? "-Endpoint" : Kubeconfig is not null ? "-Kubeconfig"
            : KubeconfigContent is not null ? "-KubeconfigContent" : UsesInCluster ? "-InCluster" : null;
        if (other is not null)
            ThrowFailure(Conflict("-Server", other));
        if (CertificateAuthority is not null && CertificateAuthorityData is not null)
            ThrowFailure(Conflict("-CertificateAuthority", "-CertificateAuthorityData"));
    }

    private ApiServerEndpoint Direct()
    {
        CheckConnectionParameters();
        return ApiServerEndpoint.From(DirectEndpoint.Create(new DirectEndpointRequest
        {
            Server = Server!,
            Token = Token is null ? null : new NetworkCredential(string.Empty, Token).Password,
            CertificateAuthorityFile = CertificateAuthority is null ? null : FileSystemPath(CertificateAuthority),
            CertificateAuthorityData = CertificateAuthorityData,
            ClientCertificate = ClientCertificate,
            Namespace = Namespace,
        }));
    }

    // Messages are written here, on the pipeline thread; only the probe itself runs in the background.
    private void StartProbe(ApiServerEndpoint endpoint)
    {
        WriteVerbose(string.Format(Strings.Verbose_Probing, Display.Text(endpoint.Server)));
        if (endpoint.InsecureSkipTlsVerify)
        {
            // The user's own setting, honoured as a client would; but say out loud what it means.
            WriteWarning(string.Format(Strings.Warning_ProbeWithoutVerification, Display.Text(endpoint.Context ?? endpoint.Server)));
        }

        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        _probes!.Add(async cancellation =>
        {
            var result = await ApiServerProber.ProbeAsync(endpoint.Resolved, timeout, cancellation).ConfigureAwait(false);
            endpoint.AttachProbe(result);
            return endpoint;
        });
    }
}

using System.Management.Automation;
using K8sComm.Commands.Base;
using K8sComm.Completion;
using K8sComm.Core;
using K8sComm.Core.Kubelets;
using K8sComm.Resources;
using CoreAddressType = K8sComm.Core.Kubelets.NodeAddressType;

namespace K8sComm.Commands;

/// <summary>
/// Checks each kubelet's serving certificate the way the API server does with
/// --kubelet-certificate-authority: nodes named, all nodes, node objects from the pipeline, or addresses
/// given directly. Kubelets are checked side by side and written as each check ends.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KubeletCertificate", DefaultParameterSetName = NodeSet)]
[OutputType(typeof(KubeletCertificateResult))]
public sealed class TestKubeletCertificateCommand : ApiServerCmdlet
{
    private const string NodeSet = "Node";
    private const string AllSet = "All";
    private const string AddressSet = "Address";
    private const string NodeObjectSet = "NodeObject";

    private ConcurrentWork<KubeletCheckResult>? _work;
    private KubeletCheckOptions? _options;
    private ApiServerEndpoint? _endpoint;

    /// <summary>Node names; wildcards list the nodes once and match their names.</summary>
    [Parameter(ParameterSetName = NodeSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Node { get; set; }

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    /// <summary>host, host:port, [IPv6] or [IPv6]:port of a kubelet; no API server is asked.</summary>
    [Parameter(ParameterSetName = AddressSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Address { get; set; }

    /// <summary>A node object's metadata (KubernetesClient V1Node, or kubectl's JSON through ConvertFrom-Json).</summary>
    [Parameter(ParameterSetName = NodeObjectSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public PSObject? Metadata { get; set; }

    /// <summary>A node object's status: its addresses and kubelet port.</summary>
    [Parameter(ParameterSetName = NodeObjectSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public PSObject? Status { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>Which node address to dial, in order of preference (default InternalIP, Hostname, ExternalIP).</summary>
    [Parameter(ParameterSetName = NodeSet)]
    [Parameter(ParameterSetName = AllSet)]
    [Parameter(ParameterSetName = NodeObjectSet)]
    [ValidateNotNullOrEmpty]
    public NodeAddressType[]? AddressType { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthority { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthorityData { get; set; }

    [Parameter]
    [ValidateRange(0, 3650)]
    public int WarningDays { get; set; } = 30;

    [Parameter]
    public SwitchParameter CheckAuthentication { get; set; }

    [Parameter]
    public SwitchParameter CheckReadOnlyPort { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int ReadOnlyPort { get; set; } = KubeletTarget.DefaultReadOnlyPort;

    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = KubeletFleetCheck.DefaultThrottle;

    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 10;

    protected override IReadOnlyList<string>? ContextNames => Context is null ? null : [Context];

    protected override void OnBegin()
    {
        if (CertificateAuthority is not null && CertificateAuthorityData is not null)
            ThrowFailure(Conflict("-CertificateAuthority", "-CertificateAuthorityData"));
        _work = StartWork<KubeletCheckResult>(ThrottleLimit, Strings.Progress_CheckingKubelets);
    }

    protected override void OnRecord()
    {
        switch (ParameterSetName)
        {
            case AddressSet:
                CheckAddresses();
                break;
            case NodeObjectSet:
                CheckNodeObject();
                break;
            default:
                CheckNodesFromApiServer();
                break;
        }
        WriteFinished(_work!, waitForAll: false, Write);
    }

    protected override void OnEnd() => WriteFinished(_work!, waitForAll: true, Write);

    private void Write(KubeletCheckResult result) => WriteObject(KubeletCertificateResult.From(result));

    private void CheckAddresses()
    {
        if (Options() is null)
            return;
        foreach (var text in Address!)
        {
            if (KubeletTarget.TryParseAddress(text, out var target, out var problem))
                Start(target!);
            else
                WriteFailure(new K8sCommException(FailureReason.KubeletAddressInvalid, $"'{text}' is not a kubelet address: {problem}.", text, [text, problem!]));
        }
    }

    private void CheckNodeObject()
    {
        if (Options() is null)
            return;
        var node = NodeObject.From(Metadata!, Status);
        if (node is null)
        {
            WriteFailure(new K8sCommException(FailureReason.NodeInputInvalid, "The object from the pipeline is not a node: it has no metadata.name.",
                Metadata, ["it has no metadata.name"]));
            return;
        }
        var target = KubeletTarget.ForNode(node.Value.Name, node.Value.Addresses, node.Value.KubeletPort, AddressPreference);
        if (target is null)
        {
            var types = string.Join(", ", AddressPreference ?? KubeletTarget.DefaultAddressPreference);
            WriteFailure(new K8sCommException(FailureReason.NodeAddressMissing, $"The node '{node.Value.Name}' has no address of the types {types}.",
                node.Value.Name, [node.Value.Name, types]));
            return;
        }
        Start(target);
    }

    private void CheckNodesFromApiServer()
    {
        var endpoint = ApiServer();
        if (endpoint is null || Options() is null)
            return;
        var resolutions = KubeletTargets.FromApiServerAsync(ClientFor(endpoint), All ? null : Node, AddressPreference, StopToken);
        // Nodes arrive page by page: their checks start at once, and finished ones are written between pages.
        AwaitEach(resolutions, StopToken, resolution =>
        {
            if (resolution.Error is not null)
                WriteFailure(resolution.Error);
            else
                Start(resolution.Target!);
            WriteFinished(_work!, waitForAll: false, Write);
        });
    }

    private IReadOnlyList<CoreAddressType>? AddressPreference =>
        AddressType?.Select(Enums.Convert<NodeAddressType, CoreAddressType>).ToArray();

    private void Start(KubeletTarget target)
    {
        var options = _options!;
        target = target with { ReadOnlyPort = ReadOnlyPort };
        _work!.Add(cancellation => KubeletCertificateCheck.CheckAsync(target, options, cancellation));
    }

    /// <summary>The API server, resolved once: to list nodes, and for its CA when none is given.</summary>
    private ApiServerEndpoint? ApiServer() => _endpoint ??= ResolveEndpoint();

    /// <summary>The check's settings, made once per command; null when there is no CA to judge by (the
    /// error is written).</summary>
    private KubeletCheckOptions? Options()
    {
        if (_options is not null)
            return _options;

        KubeletAuthority authority;
        if (CertificateAuthority is not null)
        {
            authority = KubeletAuthority.FromFile(FileSystemPath(CertificateAuthority));
        }
        else if (CertificateAuthorityData is not null)
        {
            authority = KubeletAuthority.FromData(CertificateAuthorityData);
        }
        else
        {
            var endpoint = ApiServer();
            if (endpoint is null)
                return null;
            authority = KubeletAuthority.FromEndpoint(endpoint.Resolved);
        }
        WriteVerbose(string.Format(Strings.Verbose_KubeletAuthority, authority.Source));

        return _options = new KubeletCheckOptions
        {
            Authority = authority,
            WarningDays = WarningDays,
            CheckAuthentication = CheckAuthentication,
            CheckReadOnlyPort = CheckReadOnlyPort,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
        };
    }
}

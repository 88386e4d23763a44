using System.Collections;
using System.Management.Automation;
using K8sComm.Commands.Base;
using K8sComm.Completion;
using K8sComm.Core;
using K8sComm.Errors;
using Proxy = K8sComm.Core.ApiProxy;

namespace K8sComm.Commands;

/// <summary>
/// Builds the API server proxy URL of a service, pod or node, by Kubernetes' own grammar and rules. It makes no
/// network call: the base is the endpoint's server (read from the kubeconfig, never contacted), -BaseUri, or
/// none (-Relative).
/// </summary>
[Cmdlet(VerbsCommon.New, "ProxyUrl", DefaultParameterSetName = ServiceSet)]
[OutputType(typeof(ProxyUrl))]
[OutputType(typeof(string))]
public sealed class NewProxyUrlCommand : ApiServerCmdlet
{
    private const string ServiceSet = "Service";
    private const string PodSet = "Pod";
    private const string NodeSet = "Node";
    private const string InputSet = "InputObject";

    private Proxy.ProxyUrlBuilder? _fixedBase;
    // Reference-type fields only: a struct holding a core type would load K8sComm.Core with the cmdlet's type,
    // before the module's load context can resolve it.
    private ApiServerEndpoint? _baseEndpoint;
    private Proxy.ProxyUrlBuilder? _endpointBuilder;
    private Proxy.ProxyUrlBuilder _builder = null!;
    private string _defaultNamespace = "default";
    private string? _query;
    private readonly Dictionary<string, Finding[]> _findings = new();

    [Parameter(ParameterSetName = ServiceSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Service { get; set; } = [];

    [Parameter(ParameterSetName = PodSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] Pod { get; set; } = [];

    [Parameter(ParameterSetName = NodeSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] Node { get; set; } = [];

    /// <summary>A V1Service, V1Pod or V1Node, a ConvertFrom-Json item, or a Get-ClusterInfo service entry.</summary>
    [Parameter(ParameterSetName = InputSet, Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(ParameterSetName = ServiceSet)]
    [Parameter(ParameterSetName = PodSet)]
    [Parameter(ParameterSetName = InputSet)]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    [Parameter]
    [ValidateSet("http", "https")]
    public string? Scheme { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Port { get; set; }

    [Parameter]
    public string? Path { get; set; }

    /// <summary>A hashtable (names and values, encoded as data) or a query string.</summary>
    [Parameter]
    public object? Query { get; set; }

    [Parameter]
    public Uri? BaseUri { get; set; }

    [Parameter]
    public SwitchParameter Relative { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    [Parameter]
    public SwitchParameter AsString { get; set; }

    /// <summary>The endpoint whose server is the base. Not from the pipeline here: the pipeline carries the
    /// services, pods and nodes, and trying each of them as an endpoint would cost every record an exception.</summary>
    [Parameter]
    [ValidateNotNull]
    public new ApiServerEndpoint? Endpoint
    {
        get => base.Endpoint;
        set => base.Endpoint = value;
    }

    protected override IReadOnlyList<string>? ContextNames => Context is null ? null : [Context];

    protected override void OnBegin()
    {
        CheckBaseParameters();
        try
        {
            _query = QueryText(Query);
            if (BaseUri is not null) _fixedBase = new Proxy.ProxyUrlBuilder(BaseUri);
            else if (Relative) _fixedBase = new Proxy.ProxyUrlBuilder();
        }
        catch (K8sCommException failure)
        {
            ThrowFailure(failure);
        }
    }

    protected override void OnRecord()
    {
        if (!ChooseBase()) return;
        switch (ParameterSetName)
        {
            case ServiceSet:
                foreach (var name in Service) Write(Proxy.ProxyTargetKind.Service, _defaultNamespace, name, null, name);
                break;
            case PodSet:
                foreach (var name in Pod) Write(Proxy.ProxyTargetKind.Pod, _defaultNamespace, name, null, name);
                break;
            case NodeSet:
                foreach (var name in Node) Write(Proxy.ProxyTargetKind.Node, null, name, null, name);
                break;
            default:
                WriteFromInput(InputObject);
                break;
        }
    }

    private void WriteFromInput(PSObject? input)
    {
        if (input is null) return;
        ProxyTarget target;
        try
        {
            target = ProxyInput.Read(input);
        }
        catch (K8sCommException failure)
        {
            WriteError(ErrorRecords.From(failure));
            return;
        }

        var ns = target.Kind == Proxy.ProxyTargetKind.Node ? null : Namespace ?? target.Namespace ?? _defaultNamespace;
        if (Port is not null || target.Ports.Count == 0)
        {
            Write(target.Kind, ns, target.Name, null, input);
            return;
        }
        // One URL per service port, each named as kubectl cluster-info names a port.
        foreach (var port in target.Ports) Write(target.Kind, ns, target.Name, port, input);
    }

    private void Write(Proxy.ProxyTargetKind kind, string? ns, string name, ProxyTargetPort? servicePort, object target)
    {
        var scheme = Scheme switch
        {
            "https" => Proxy.ProxyScheme.Https,
            "http" => Proxy.ProxyScheme.Http,
            _ => servicePort is { LooksHttps: true } ? Proxy.ProxyScheme.Https : Proxy.ProxyScheme.Default,
        };
        var request = new Proxy.ProxyRequest(kind, ns, name, scheme, Port ?? servicePort?.Spec, Path, _query);
        string url;
        try
        {
            url = _builder.Build(request);
        }
        catch (K8sCommException failure)
        {
            // One bad name is that item's error, never a URL, and never the end of the pipeline.
            var record = ErrorRecords.From(failure);
            WriteError(new ErrorRecord(record.Exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, target)
            {
                ErrorDetails = record.ErrorDetails,
            });
            return;
        }

        if (AsString)
        {
            WriteObject(url);
            return;
        }
        WriteObject(new ProxyUrl
        {
            Text = url,
            Kind = Enums.Convert<Proxy.ProxyTargetKind, ProxyTargetKind>(kind),
            Namespace = ns,
            Name = name,
            Scheme = Proxy.ProxyUrlBuilder.EffectiveScheme(request),
            Port = request.Port,
            Path = string.IsNullOrEmpty(Path) ? null : Path,
            Query = _query,
            Findings = FindingsFor(request),
        });
    }

    // The three hop findings, localized once per command: 150,000 URLs share them.
    private Finding[] FindingsFor(Proxy.ProxyRequest request)
    {
        var found = Proxy.ProxyFindings.For(request);
        var key = found[0].Id;
        if (!_findings.TryGetValue(key, out var findings))
            _findings[key] = findings = found.Select(Finding.From).ToArray();
        return findings;
    }

    /// <summary>
    /// The base for this record and the namespace it implies: -BaseUri or -Relative (no kubeconfig is read),
    /// else the endpoint's server, piped or resolved once from the kubeconfig. Reading a kubeconfig never connects.
    /// </summary>
    private bool ChooseBase()
    {
        if (_fixedBase is not null)
        {
            _builder = _fixedBase;
            _defaultNamespace = Namespace ?? "default";
            return true;
        }

        if (_baseEndpoint is null || (Endpoint is not null && !ReferenceEquals(Endpoint, _baseEndpoint)))
        {
            var endpoint = ResolveEndpoint();
            if (endpoint is null) return false; // its error is written
            _endpointBuilder = new Proxy.ProxyUrlBuilder(endpoint.ServerUri);
            _baseEndpoint = endpoint;
        }
        _builder = _endpointBuilder!;
        _defaultNamespace = Namespace ?? _baseEndpoint.Namespace;
        return true;
    }

    /// <summary>-BaseUri and -Relative choose the base themselves: beside a connection parameter (or each
    /// other) there would be two answers.</summary>
    private void CheckBaseParameters()
    {
        var chosen = new List<string>();
        if (BaseUri is not null) chosen.Add("-BaseUri");
        if (Relative) chosen.Add("-Relative");
        if (chosen.Count == 0) return;
        if (Endpoint is not null) chosen.Add("-Endpoint");
        if (Kubeconfig is not null) chosen.Add("-Kubeconfig");
        if (KubeconfigContent is not null) chosen.Add("-KubeconfigContent");
        if (UsesInCluster) chosen.Add(InCluster ? "-InCluster" : "-ServiceAccountPath");
        if (Context is not null) chosen.Add("-Context");
        if (chosen.Count > 1) ThrowFailure(Conflict(chosen[0], chosen[1]));
    }

    private static string? QueryText(object? query)
    {
        query = query is PSObject ps ? ps.BaseObject : query;
        switch (query)
        {
            case null:
                return null;
            case IDictionary pairs:
                var list = new List<KeyValuePair<string, string?>>();
                foreach (DictionaryEntry entry in pairs)
                {
                    var key = entry.Key.ToString() ?? "";
                    var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                    if (value is IEnumerable many and not string)
                        foreach (var item in many) list.Add(new(key, LanguagePrimitives.ConvertTo<string>(item)));
                    else
                        list.Add(new(key, value is null ? null : LanguagePrimitives.ConvertTo<string>(value)));
                }
                return Proxy.ProxyEncoding.QueryFrom(list);
            default:
                return LanguagePrimitives.ConvertTo<string>(query);
        }
    }
}

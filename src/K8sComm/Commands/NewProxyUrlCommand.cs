using System.Collections;
using System.Management.Automation;
using K8sComm.Completion;
using K8sComm.Core;
using K8sComm.Core.Discovery;
using K8sComm.Errors;
using Proxy = K8sComm.Core.ApiProxy;

namespace K8sComm.Commands;

/// <summary>
/// Builds the API server proxy URL of a service, pod or node, by Kubernetes' own grammar and rules. It makes no
/// network call: the base is the endpoint's server (read from the kubeconfig, not contacted), -BaseUri, or none.
/// </summary>
[Cmdlet(VerbsCommon.New, "ProxyUrl", DefaultParameterSetName = ServiceSet)]
[OutputType(typeof(ProxyUrl))]
[OutputType(typeof(string))]
public sealed class NewProxyUrlCommand : PSCmdlet
{
    private const string ServiceSet = "Service";
    private const string PodSet = "Pod";
    private const string NodeSet = "Node";
    private const string InputSet = "InputObject";

    private Proxy.ProxyUrlBuilder? _builder;
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
    [ValidateNotNullOrEmpty]
    public string[]? Kubeconfig { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    [Parameter]
    public ApiServerEndpoint? Endpoint { get; set; }

    [Parameter]
    public SwitchParameter AsString { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _query = QueryText(Query);
            (_builder, var ns) = ResolveBase();
            _defaultNamespace = Namespace ?? ns ?? "default";
        }
        catch (K8sCommException failure)
        {
            ThrowTerminatingError(ErrorRecords.From(failure));
        }
    }

    protected override void ProcessRecord()
    {
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
            url = _builder!.Build(request);
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
            Url = new Uri(url, UriKind.RelativeOrAbsolute),
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

    /// <summary>The base URL and the namespace it implies. -BaseUri and -Relative read no kubeconfig.</summary>
    private (Proxy.ProxyUrlBuilder Builder, string? Namespace) ResolveBase()
    {
        var choices = (BaseUri is not null ? 1 : 0) + (Relative ? 1 : 0) + (Endpoint is not null ? 1 : 0)
            + (Kubeconfig is not null || Context is not null ? 1 : 0);
        if (choices > 1)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Use only one of -BaseUri, -Relative, -Endpoint, or -Kubeconfig/-Context to choose the base."),
                "K8sComm.ConflictingParameters", ErrorCategory.InvalidArgument, null));
        }

        if (BaseUri is not null) return (new Proxy.ProxyUrlBuilder(BaseUri), null);
        if (Relative) return (new Proxy.ProxyUrlBuilder(), null);
        if (Endpoint is not null) return (new Proxy.ProxyUrlBuilder(Endpoint.Server), Endpoint.Namespace);

        var endpoint = ResolveEndpoint();
        return (new Proxy.ProxyUrlBuilder(endpoint.Server), endpoint.Namespace);
    }

    // Reads the kubeconfig (or the pod's service account) only: nothing here connects.
    private ResolvedEndpoint ResolveEndpoint()
    {
        var discovery = EndpointDiscovery.Open(new DiscoveryRequest
        {
            Kubeconfig = Kubeconfig?.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
            Context = Context,
            WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        });
        var resolution = discovery.Resolve(Context);
        return resolution.Error is not null ? throw resolution.Error : resolution.Endpoint!;
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

using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using K8sComm.Commands.Base;
using K8sComm.Completion;
using K8sComm.Core;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Text;
using K8sComm.Json;
using K8sComm.Resources;

namespace K8sComm.Commands;

/// <summary>
/// Calls the Kubernetes API the way a pod does (seed 003): the API server from KUBERNETES_SERVICE_HOST/PORT
/// (or -ApiServer), the mounted service-account token, and the mounted ca.crt as the only trust anchor.
/// Outside a pod the shared connection parameters make the same call with a kubeconfig's or an endpoint's
/// credentials. Writes go through ShouldProcess; answers become PowerShell objects.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "InPodApiCall", DefaultParameterSetName = CallSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject), typeof(string), typeof(WatchEvent))]
public sealed class InvokeInPodApiCallCommand : ApiServerCmdlet
{
    private const string CallSet = "Call";
    private const string WatchSet = "Watch";
    private const string OutFileSet = "OutFile";

    // kubectl's chunk size for lists it pages through.
    private const int DefaultPageSize = 500;

    /// <summary>An absolute API path, a URL, or anything with a Url property (a K8sComm.ProxyUrl). Taken
    /// from the pipeline whole, not by property name: a ProxyUrl's own Path property is only the part of
    /// the URL after the proxy, and must not win over its Url.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Url", "Uri")]
    [ValidateNotNull]
    public object Path { get; set; } = null!;

    [Parameter]
    [ValidateSet("GET", "POST", "PUT", "PATCH", "DELETE", IgnoreCase = true)]
    public string Method { get; set; } = "GET";

    /// <summary>A JSON (or YAML, for apply) string sent as is, or an object sent as JSON.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Body { get; set; }

    [Parameter]
    [ValidateSet("json", "merge", "strategic", "json-patch", "apply", IgnoreCase = true)]
    public string? ContentType { get; set; }

    /// <summary>A hashtable (a value may be an array: the name repeats) or a query string.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Query { get; set; }

    /// <summary>For a call, how long it may take (default 30 s); for -Watch, how long to watch (default: until Ctrl+C).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 30;

    [Parameter(ParameterSetName = CallSet)]
    public SwitchParameter Raw { get; set; }

    [Parameter(ParameterSetName = CallSet)]
    public SwitchParameter NoEnumerate { get; set; }

    [Parameter(ParameterSetName = CallSet)]
    public SwitchParameter All { get; set; }

    [Parameter(ParameterSetName = WatchSet, Mandatory = true)]
    public SwitchParameter Watch { get; set; }

    [Parameter(ParameterSetName = OutFileSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>In a pod: where to reach the API server instead of KUBERNETES_SERVICE_HOST/PORT.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? ApiServer { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    protected override IReadOnlyList<string>? ContextNames => Context is null ? null : [Context];

    /// <summary>A kubeconfig, a context or an endpoint chooses the API server; otherwise the pod does.</summary>
    private bool UsesConnectionParameters => Endpoint is not null || Kubeconfig is not null || KubeconfigContent is not null || Context is not null;

    protected override void CheckConnectionParameters()
    {
        base.CheckConnectionParameters();
        var chosen = Endpoint is not null ? "-Endpoint" : Kubeconfig is not null ? "-Kubeconfig"
            : KubeconfigContent is not null ? "-KubeconfigContent" : Context is not null ? "-Context" : null;
        if (chosen is not null && ApiServer is not null) ThrowFailure(Conflict(chosen, "-ApiServer"));
        if (chosen is not null && SkipCertificateCheck) ThrowFailure(Conflict(chosen, "-SkipCertificateCheck"));
    }

    protected override void OnRecord()
    {
        var (client, ns) = Connect();
        if (client is null) return;

        var call = BuildCall(client, ns);
        if (call is null) return;
        // The path may come from a piped object and the server from a kubeconfig: shown escaped and redacted.
        var server = DisplayText.RedactUrl(client.Endpoint.Server);
        if (!call.IsRead && !ShouldProcess(Display.Text(server.TrimEnd('/') + call.Path), call.Method.Method))
            return;
        WriteVerbose(string.Format(Strings.Verbose_ApiCall, call.Method.Method, Display.Text(call.Path), Display.Text(server)));

        switch (ParameterSetName)
        {
            case WatchSet:
                WatchEvents(client, call);
                break;
            case OutFileSet:
                Download(client, call);
                break;
            default:
                if (All) WriteAllPages(client, call);
                else WriteAnswer(WithTimeout(ct => client.InvokeAsync(call, ct), call));
                break;
        }
    }

    /// <summary>The pooled client for the pod's API server, or the connection parameters' one.</summary>
    private (ApiServerClient? Client, string Namespace) Connect()
    {
        var options = new ApiServerClientOptions { AllowUnencryptedAuthentication = AllowUnencryptedAuthentication };
        if (UsesConnectionParameters)
        {
            var endpoint = ResolveEndpoint();
            return endpoint is null ? (null, "") : (ClientFor(endpoint, options), endpoint.Namespace);
        }

        CheckConnectionParameters();
        if (SkipCertificateCheck) WriteWarning(Strings.Warning_SkipCertificateCheck);
        var resolved = PodServiceAccount.ResolveEndpoint(InClusterResolver.ProcessEnvironment(),
            FileSystemPath(ServiceAccountPath ?? InClusterResolver.DefaultServiceAccountPath), ApiServer, SkipCertificateCheck);
        return (ApiServerClientPool.Shared.ClientFor(resolved, options), resolved.Namespace);
    }

    private ApiCall? BuildCall(ApiServerClient client, string ns)
    {
        var text = PathText(Path);
        string pathAndQuery;
        try
        {
            pathAndQuery = ApiCall.ResolvePath(text, client.Endpoint.Server, ns);
        }
        catch (ArgumentException)
        {
            WriteFailure(new K8sCommException(FailureReason.ApiPathInvalid,
                $"'{text}' is not an absolute API path (such as /api/v1/namespaces/{{namespace}}/pods) or an http(s) URL.", text, [text]));
            return null;
        }

        var method = new HttpMethod(Method.ToUpperInvariant());
        var contentType = ContentType is not null ? ApiContentTypes.Resolve(ContentType)
            : method == HttpMethod.Patch ? ApiContentTypes.MergePatch : ApiContentTypes.Json;
        var call = new ApiCall(method, pathAndQuery) { Body = BodyText(), ContentType = contentType }.WithQuery(QueryPairs());
        // Server-side apply names its field manager; the API server refuses an apply without one.
        if (contentType == ApiContentTypes.ApplyPatch && call.QueryValue("fieldManager") is null)
            call = call.WithQuery("fieldManager", "K8sComm");
        return call;
    }

    /// <summary>A string, a Uri, or any object's Url property (New-ProxyUrl's K8sComm.ProxyUrl among them).</summary>
    private static string PathText(object value)
    {
        var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
        switch (bare)
        {
            case string text:
                return text;
            case Uri uri:
                return uri.OriginalString;
        }
        var url = PSObject.AsPSObject(value).Properties["Url"]?.Value;
        return url is null ? bare.ToString() ?? "" : PathText(url);
    }

    private string? BodyText()
    {
        if (Body is null) return null;
        if ((Body is PSObject wrapped ? wrapped.BaseObject : Body) is string text) return text;
        return JsonObjects.FromPowerShell(Body);
    }

    private IEnumerable<KeyValuePair<string, string>> QueryPairs()
    {
        switch (Query is PSObject wrapped ? wrapped.BaseObject : Query)
        {
            case null:
                return [];
            case string text:
                return ApiCall.ParseQuery(text);
            case IDictionary table:
                var pairs = new List<KeyValuePair<string, string>>();
                foreach (DictionaryEntry entry in table)
                {
                    var name = entry.Key.ToString()!;
                    var value = entry.Value is PSObject v ? v.BaseObject : entry.Value;
                    if (value is IEnumerable many and not string)
                        pairs.AddRange(many.Cast<object?>().Select(item => new KeyValuePair<string, string>(name, QueryValue(item))));
                    else
                        pairs.Add(new(name, QueryValue(value)));
                }
                return pairs;
            default:
                return ApiCall.ParseQuery(Query?.ToString() ?? "");
        }
    }

    // Kubernetes query values are lowercase booleans (watch=true), as Go writes them.
    private static string QueryValue(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "true" : "false",
        SwitchParameter flag => flag.IsPresent ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private void WriteAnswer(ApiResponse response)
    {
        if (Raw)
        {
            WriteObject(response.Body);
            return;
        }
        if (response.Body.Length == 0) return;
        using var document = response.ParseJson();
        WriteJson(document.RootElement);
    }

    private void WriteJson(JsonElement root)
    {
        if (!NoEnumerate && JsonObjects.ListItems(root) is { } items)
        {
            foreach (var item in items) WriteObject(JsonObjects.ToPowerShell(item));
            return;
        }
        WriteObject(JsonObjects.ToPowerShell(root));
    }

    private void WriteAllPages(ApiServerClient client, ApiCall call)
    {
        var pageSize = call.QueryValue("limit") is null ? DefaultPageSize : (int?)null;
        ForEach(ct => client.ListPagesAsync(call, pageSize, ct), call, page =>
        {
            using (page)
            {
                if (Raw) WriteObject(page.RootElement.GetRawText());
                else WriteJson(page.RootElement);
            }
        });
    }

    private void WatchEvents(ApiServerClient client, ApiCall call)
    {
        // A watch runs until Ctrl+C, or for -TimeoutSec when given; reaching that time is its normal end.
        var limit = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        if (limit is not null) timeout.CancelAfter(limit.Value);
        try
        {
            AwaitEach(client.WatchAsync(call, timeout.Token), timeout.Token, change =>
                WriteObject(new WatchEvent { Type = change.Type, Object = JsonObjects.ToPowerShell(change.Object) }));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !StopToken.IsCancellationRequested)
        {
            WriteVerbose(string.Format(Strings.Verbose_WatchEnded, TimeoutSec));
        }
    }

    private void Download(ApiServerClient client, ApiCall call)
    {
        var path = FileSystemPath(OutFile!);
        var partial = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".",
            $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            long bytes;
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                bytes = WithTimeout(ct => client.DownloadAsync(call, file, ct), call);
            File.Move(partial, path, overwrite: true);
            WriteVerbose(string.Format(Strings.Verbose_Downloaded, bytes, path));
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Runs one call within -TimeoutSec; running out of time is a Timeout failure, Ctrl+C stops.</summary>
    private T WithTimeout<T>(Func<CancellationToken, Task<T>> work, ApiCall call)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSec));
        try
        {
            return Await(work(timeout.Token));
        }
        catch (OperationCanceledException) when (!StopToken.IsCancellationRequested)
        {
            throw TimedOut(call);
        }
    }

    private void ForEach<T>(Func<CancellationToken, IAsyncEnumerable<T>> work, ApiCall call, Action<T> write)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSec));
        try
        {
            AwaitEach(work(timeout.Token), timeout.Token, write);
        }
        catch (OperationCanceledException) when (!StopToken.IsCancellationRequested)
        {
            throw TimedOut(call);
        }
    }

    private K8sCommException TimedOut(ApiCall call) => new(FailureReason.Timeout,
        $"{call} did not finish within {TimeoutSec} s.", call.Path);
}

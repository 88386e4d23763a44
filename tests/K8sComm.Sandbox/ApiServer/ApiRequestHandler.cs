using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// One request through the API server: authenticate, authorize, then serve discovery, health, the stored
/// objects, the self-reviews, or a proxied backend. Every failure is answered with a Status body.
/// </summary>
public sealed class ApiRequestHandler(ClusterState state, Authenticator authenticator, Authorizer authorizer,
    ProxyForwarder proxy, string serverAddress, RequestLog? log = null, IReadOnlyList<string>? selfSubjectReviewVersions = null)
{
    private readonly IReadOnlyList<string> _selfSubjectReviewVersions = selfSubjectReviewVersions ?? ["v1", "v1beta1"];

    private static readonly string[] HealthEndpoints = ["healthz", "livez", "readyz"];
    private static readonly string[] HealthChecks =
    [
        "ping", "log", "etcd", "poststarthook/start-apiserver-admission-initializer", "poststarthook/generic-apiserver-start-informers",
        "poststarthook/rbac/bootstrap-roles", "poststarthook/bootstrap-controller",
    ];

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var user = authenticator.Authenticate(context);
            log?.Add(new LoggedRequest(context.Request.Method, context.Request.Path.Value + context.Request.QueryString.Value, user?.Name));
            if (user is null)
            {
                await ApiResponses.Unauthorized(context);
                return;
            }

            var watch = context.Request.Query["watch"].ToString() is "true" or "1";
            var request = RequestInfo.Parse(context.Request.Method, context.Request.Path.Value ?? "/", watch);
            if (!authorizer.IsAllowed(user, request))
            {
                await ApiResponses.Forbidden(context, user, request);
                return;
            }

            await (request.IsResourceRequest ? ServeResource(context, user, request) : ServeNonResource(context, request));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e)
        {
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            await ApiResponses.Failure(context, StatusCodes.Status500InternalServerError, "InternalError",
                $"an error on the server (\"{e.GetType().Name}\") has prevented the request from succeeding");
        }
    }

    private Task ServeNonResource(HttpContext context, RequestInfo request)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return ApiResponses.Failure(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed",
                $"the server does not allow this method on the requested resource");
        }

        var segments = request.Path.Trim('/').Split('/');
        switch (segments)
        {
            case ["version"]:
                return ApiResponses.Json(context, DiscoveryDocuments.Version());
            case ["api"]:
                return ApiResponses.Json(context, DiscoveryDocuments.ApiVersions(serverAddress));
            case ["apis"]:
                return ApiResponses.Json(context, DiscoveryDocuments.ApiGroupList());
            case ["apis", var group] when DiscoveryDocuments.ApiGroup(group) is { } body:
                return ApiResponses.Json(context, body);
            case ["api", var version] when DiscoveryDocuments.ApiResourceList("", version) is { } body:
                return ApiResponses.Json(context, body);
            case ["apis", var group, var version] when DiscoveryDocuments.ApiResourceList(group, version) is { } body:
                return ApiResponses.Json(context, body);
            case [var health, ..] when HealthEndpoints.Contains(health):
                return ServeHealth(context, health, segments.Length > 1 ? string.Join('/', segments[1..]) : null);
            default:
                return ApiResponses.NoSuchPath(context);
        }
    }

    private static Task ServeHealth(HttpContext context, string endpoint, string? check)
    {
        if (check is not null)
        {
            return HealthChecks.Contains(check) || (endpoint == "readyz" && check is "informer-sync" or "shutdown")
                ? ApiResponses.Text(context, "ok")
                : ApiResponses.Text(context, $"{endpoint} check \"{check}\" not found", StatusCodes.Status404NotFound);
        }

        if (!context.Request.Query.ContainsKey("verbose")) return ApiResponses.Text(context, "ok");
        var checks = endpoint == "readyz" ? HealthChecks.Concat(["informer-sync", "shutdown"]) : HealthChecks;
        var lines = checks.Select(c => $"[+]{c} ok").Append($"{endpoint} check passed");
        return ApiResponses.Text(context, string.Join('\n', lines) + "\n");
    }

    private async Task ServeResource(HttpContext context, UserInfo user, RequestInfo request)
    {
        if (request is { Group: "authentication.k8s.io", Resource: "selfsubjectreviews", Verb: "create" })
        {
            // Served at the versions this server's release has; any other is a path it does not know.
            if (_selfSubjectReviewVersions.Contains(request.Version)) await ServeSelfSubjectReview(context, user, request.Version);
            else await ApiResponses.NoSuchPath(context);
            return;
        }

        var type = ResourceType.Find(request.Group, request.Version, request.Resource);
        if (type is null || (!type.Namespaced && request.Namespace is not null && type.Name != "namespaces"))
        {
            await ApiResponses.NoSuchPath(context);
            return;
        }

        if (request.Subresource is not null)
        {
            if (request.Subresource == "proxy" && request.Name is not null && type.Name is "services" or "pods" or "nodes")
            {
                await ServeProxy(context, request, type);
                return;
            }

            await ApiResponses.NoSuchPath(context);
            return;
        }

        switch (request.Verb)
        {
            case "create" when type.Name == "selfsubjectaccessreviews":
                await ServeSelfSubjectAccessReview(context, user);
                return;
            case "create" when type.Name == "selfsubjectrulesreviews":
                await ServeSelfSubjectRulesReview(context, user);
                return;
            case "get" when type.Verbs.Contains("get"):
                var item = state.Get(type.Name, type.Namespaced ? request.Namespace : null, request.Name!);
                if (item is null)
                {
                    await ApiResponses.NotFound(context, type.Name, request.Name!);
                    return;
                }

                if (TableView.IsRequested(context.Request.Headers.Accept.ToString()))
                {
                    await ApiResponses.Json(context, TableView.Build(type.Name, [item], state.ResourceVersion, IncludeObject(context)));
                    return;
                }

                await ApiResponses.Json(context, item);
                return;
            case "list" when type.Verbs.Contains("list"):
                await ServeList(context, request, type);
                return;
            case "watch" when type.Verbs.Contains("watch"):
                await ServeWatch(context, request, type);
                return;
            case "watch":
                await ApiResponses.BadRequest(context, $"watch is not supported on {type.Name} by the sandbox API server");
                return;
            default:
                await ApiResponses.MethodNotAllowed(context, request.Verb, type.Kind);
                return;
        }
    }

    private static string? IncludeObject(HttpContext context) =>
        context.Request.Query.TryGetValue("includeObject", out var value) ? value.ToString() : null;

    private Task ServeList(HttpContext context, RequestInfo request, ResourceType type)
    {
        LabelSelector labels;
        Func<JsonObject, bool> fields;
        try
        {
            labels = LabelSelector.Parse(context.Request.Query["labelSelector"].ToString());
            fields = FieldSelector(context.Request.Query["fieldSelector"].ToString());
        }
        catch (FormatException e)
        {
            return ApiResponses.BadRequest(context, e.Message);
        }

        var items = state.List(type.Name, type.Namespaced ? request.Namespace : null)
            .Where(i => labels.Matches(i) && fields(i))
            .ToList();

        if (TableView.IsRequested(context.Request.Headers.Accept.ToString()))
        {
            return ApiResponses.Json(context, TableView.Build(type.Name, items, state.ResourceVersion, IncludeObject(context)));
        }

        foreach (var item in items)
        {
            item.Remove("kind");
            item.Remove("apiVersion");
        }

        var metadata = new JsonObject { ["resourceVersion"] = state.ResourceVersion };
        if (!ListPage.TryCut(context.Request.Query["limit"].ToString(), context.Request.Query["continue"].ToString(), items.Count,
                out var page, out var problem))
        {
            return ApiResponses.Failure(context, problem!.Value.Code, problem.Value.Reason, problem.Value.Message);
        }

        if (page.Continue is not null)
        {
            metadata["continue"] = page.Continue;
            metadata["remainingItemCount"] = items.Count - page.Offset - page.Count;
        }

        return ApiResponses.Json(context, new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.GroupVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Skip(page.Offset).Take(page.Count).Cast<JsonNode>().ToArray()),
        });
    }

    /// <summary>
    /// A watch: the current objects as ADDED events (what a watch without resourceVersion starts with),
    /// then each object added later, one JSON event per line, until the client goes away or
    /// timeoutSeconds pass.
    /// </summary>
    private async Task ServeWatch(HttpContext context, RequestInfo request, ResourceType type)
    {
        var ns = type.Namespaced ? request.Namespace : null;
        var events = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
        void OnAdded(string resource, JsonObject item)
        {
            if (resource == type.Name && (ns is null || ClusterState.Namespace(item) == ns)) events.Writer.TryWrite(item);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (int.TryParse(context.Request.Query["timeoutSeconds"].ToString(), out var seconds) && seconds > 0)
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));

        state.Added += OnAdded;
        try
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            foreach (var item in state.List(type.Name, ns)) await WriteEvent(context, "ADDED", item, timeout.Token);
            await context.Response.Body.FlushAsync(timeout.Token);
            await foreach (var item in events.Reader.ReadAllAsync(timeout.Token)) await WriteEvent(context, "ADDED", item, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Timed out or the client left: the watch ends, as the API server ends it.
        }
        finally
        {
            state.Added -= OnAdded;
        }
    }

    private static async Task WriteEvent(HttpContext context, string type, JsonObject item, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = item }.ToJsonString() + "\n";
        await context.Response.WriteAsync(line, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Fields a fieldSelector may name (what kubectl uses: names, namespaces, and a pod's node and phase).</summary>
    private static readonly string[] SelectableFields = ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"];

    /// <summary>fieldSelector with =, == and != on <see cref="SelectableFields"/>; a missing field reads as "".</summary>
    private static Func<JsonObject, bool> FieldSelector(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return _ => true;
        var tests = new List<Func<JsonObject, bool>>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var negate = part.Contains("!=", StringComparison.Ordinal);
            var pieces = part.Split(negate ? "!=" : part.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (pieces.Length != 2) throw new FormatException($"invalid selector: '{text}'; can't understand '{part}'");
            var (field, value) = (pieces[0].Trim(), pieces[1].Trim());
            if (!SelectableFields.Contains(field)) throw new FormatException($"field label not supported: {field}");
            var path = field.Split('.');
            string Read(JsonObject item) => path.Aggregate((JsonNode?)item, (node, key) => node?[key])?.GetValue<string>() ?? "";
            tests.Add(negate ? i => Read(i) != value : i => Read(i) == value);
        }

        return item => tests.All(t => t(item));
    }

    private async Task ServeProxy(HttpContext context, RequestInfo request, ResourceType type)
    {
        var (scheme, name, portSpec) = ProxyName.Parse(request.Name!);
        if (scheme is not null and not ("http" or "https") || name.Length == 0)
        {
            await ApiResponses.BadRequest(context, $"invalid proxy target \"{request.Name}\"");
            return;
        }

        string? problem;
        var target = type.Name switch
        {
            "services" => state.ResolveService(request.Namespace ?? "", name, scheme, portSpec, out problem),
            "pods" => state.ResolvePod(request.Namespace ?? "", name, scheme, portSpec, out problem),
            _ => state.ResolveNode(name, scheme, portSpec, out problem),
        };
        if (target is null)
        {
            await (problem is null
                ? ApiResponses.NotFound(context, type.Name, name)
                : ApiResponses.Failure(context, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", problem));
            return;
        }

        // Forward the path exactly as the client encoded it.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var rawPath = raw.Split('?', 2)[0];
        var remainder = RequestInfo.Parse(context.Request.Method, rawPath, false).Remainder;
        await proxy.ForwardAsync(context, target, remainder, toKubelet: type.Name == "nodes");
    }

    /// <summary>A review body as JSON, whether it came as JSON or as Kubernetes protobuf; null if it is neither.</summary>
    private static async Task<JsonObject?> ReadBody(HttpContext context)
    {
        const int limit = 1 << 20;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > limit) return null;
        var bytes = buffer.ToArray();
        if (ProtobufBody.IsProtobuf(context.Request.ContentType)) return ProtobufBody.ReadReview(bytes);
        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task ServeSelfSubjectReview(HttpContext context, UserInfo user, string version = "v1")
    {
        if (await ReadBody(context) is null)
        {
            await ApiResponses.BadRequest(context, "the request body is not a SelfSubjectReview (JSON or Kubernetes protobuf)");
            return;
        }

        await ApiResponses.Json(context, new JsonObject
        {
            ["kind"] = "SelfSubjectReview",
            ["apiVersion"] = $"authentication.k8s.io/{version}",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["status"] = new JsonObject
            {
                ["userInfo"] = new JsonObject
                {
                    ["username"] = user.Name,
                    ["uid"] = user.Uid,
                    ["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray()),
                },
            },
        }, StatusCodes.Status201Created);
    }

    private async Task ServeSelfSubjectAccessReview(HttpContext context, UserInfo user)
    {
        var body = await ReadBody(context);
        var spec = body?["spec"] as JsonObject;
        RequestInfo? asked = null;
        if (spec?["resourceAttributes"] is JsonObject attributes)
        {
            var ns = Text(attributes, "namespace");
            asked = new RequestInfo(Text(attributes, "verb") ?? "", "")
            {
                IsResourceRequest = true,
                Group = Text(attributes, "group") ?? "",
                Version = Text(attributes, "version") ?? "",
                Resource = Text(attributes, "resource") ?? "",
                Subresource = string.IsNullOrEmpty(Text(attributes, "subresource")) ? null : Text(attributes, "subresource"),
                Name = string.IsNullOrEmpty(Text(attributes, "name")) ? null : Text(attributes, "name"),
                Namespace = string.IsNullOrEmpty(ns) ? null : ns,
            };
        }
        else if (spec?["nonResourceAttributes"] is JsonObject nonResource)
        {
            asked = new RequestInfo(Text(nonResource, "verb") ?? "", Text(nonResource, "path") ?? "");
        }

        if (asked is null)
        {
            await ApiResponses.Failure(context, StatusCodes.Status422UnprocessableEntity, "Invalid",
                "SelfSubjectAccessReview.authorization.k8s.io is invalid: spec: exactly one of nonResourceAttributes or resourceAttributes must be specified");
            return;
        }

        var allowed = authorizer.IsAllowed(user, asked);
        var status = new JsonObject { ["allowed"] = allowed };
        if (allowed) status["reason"] = "allowed by the sandbox authorizer";
        await ApiResponses.Json(context, new JsonObject
        {
            ["kind"] = "SelfSubjectAccessReview",
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = spec!.DeepClone(),
            ["status"] = status,
        }, StatusCodes.Status201Created);
    }

    private async Task ServeSelfSubjectRulesReview(HttpContext context, UserInfo user)
    {
        var body = await ReadBody(context);
        var ns = body?["spec"]?["namespace"] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
        if (string.IsNullOrEmpty(ns))
        {
            await ApiResponses.Failure(context, StatusCodes.Status422UnprocessableEntity, "Invalid",
                "SelfSubjectRulesReview.authorization.k8s.io is invalid: spec.namespace: Required value");
            return;
        }

        var (resourceRules, nonResourceRules) = authorizer.RulesFor(user, ns);
        await ApiResponses.Json(context, new JsonObject
        {
            ["kind"] = "SelfSubjectRulesReview",
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = new JsonObject { ["namespace"] = ns },
            ["status"] = new JsonObject
            {
                ["resourceRules"] = new JsonArray(resourceRules.Select(r => (JsonNode)new JsonObject
                {
                    ["verbs"] = Strings(r.Verbs), ["apiGroups"] = Strings(r.ApiGroups), ["resources"] = Strings(r.Resources),
                }).ToArray()),
                ["nonResourceRules"] = new JsonArray(nonResourceRules.Select(r => (JsonNode)new JsonObject
                {
                    ["verbs"] = Strings(r.Verbs), ["nonResourceURLs"] = Strings(r.Urls),
                }).ToArray()),
                ["incomplete"] = false,
            },
        }, StatusCodes.Status201Created);
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    private static string? Text(JsonObject obj, string key) => obj[key] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}

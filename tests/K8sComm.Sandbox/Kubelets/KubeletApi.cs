using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Connections.Features;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>
/// What a kubelet answers: on the HTTPS port after authentication and authorization, on the read-only
/// port without either. Error bodies are plain text, as the real kubelet writes them.
/// </summary>
internal static class KubeletApi
{
    static readonly DateTimeOffset Started = DateTimeOffset.UtcNow;

    public static Task ServeSecureAsync(HttpContext context, SandboxKubelet kubelet, KubeletIdentity identity)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!Admit(context, kubelet, identity, out var user))
        {
            return user is null
                ? Text(context, StatusCodes.Status401Unauthorized, "Unauthorized")
                : Text(context, StatusCodes.Status403Forbidden,
                    $"Forbidden (user={user}, verb={Verb(context.Request.Method)}, resource=nodes, subresource={Subresource(path)})");
        }
        return path switch
        {
            "/healthz" => Text(context, StatusCodes.Status200OK, "ok"),
            "/pods" or "/pods/" => Json(context, KubeletDocuments.PodList(kubelet)),
            "/configz" => Json(context, KubeletDocuments.Configz(kubelet)),
            "/stats/summary" or "/stats/summary/" => Json(context, KubeletDocuments.StatsSummary(kubelet, Started)),
            _ => Text(context, StatusCodes.Status404NotFound, "404 page not found"),
        };
    }

    public static Task ServeReadOnlyAsync(HttpContext context, SandboxKubelet kubelet) =>
        context.Request.Path.Value switch
        {
            "/healthz" => Text(context, StatusCodes.Status200OK, "ok"),
            "/pods" or "/pods/" => Json(context, KubeletDocuments.PodList(kubelet)),
            _ => Text(context, StatusCodes.Status404NotFound, "404 page not found"),
        };

    // Authentication, then authorization. user is null when nobody could be authenticated.
    static bool Admit(HttpContext context, SandboxKubelet kubelet, KubeletIdentity identity, out string? user)
    {
        user = AuthenticatedUser(context, identity);
        if (user is not null)
            return true; // a cluster-CA client certificate (the API server's) is authorized for everything
        // With webhook authentication on, a bearer token goes to a TokenReview the sandbox can't pass, and
        // a presented credential that fails never falls back to anonymous. With it off (the AlwaysAllow
        // posture), nothing reads the token and the request is simply anonymous.
        if (context.Request.Headers.Authorization.Count > 0 && kubelet.Posture.Anonymous != AnonymousMode.Allowed)
            return false;
        switch (kubelet.Posture.Anonymous)
        {
            case AnonymousMode.Allowed:
                user = "system:anonymous";
                return true;
            case AnonymousMode.DeniedByAuthorization:
                user = "system:anonymous";
                return false;
            default:
                return false;
        }
    }

    // Chain building costs more than the request, so one verdict per connection is kept.
    static string? AuthenticatedUser(HttpContext context, KubeletIdentity identity)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(typeof(KubeletIdentity), out var cached))
            return (string?)cached;
        var user = identity.Authenticate(context.Connection.ClientCertificate);
        if (items is not null)
            items[typeof(KubeletIdentity)] = user;
        return user;
    }

    static string Verb(string method) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "*",
    };

    // The kubelet maps paths to node subresources this way; everything unlisted is "proxy".
    static string Subresource(string path) =>
        path.StartsWith("/stats", StringComparison.Ordinal) ? "stats"
        : path.StartsWith("/metrics", StringComparison.Ordinal) ? "metrics"
        : path.StartsWith("/logs", StringComparison.Ordinal) ? "log"
        : path.StartsWith("/spec", StringComparison.Ordinal) ? "spec"
        : "proxy";

    static Task Text(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body + (status == 200 ? "" : "\n"));
    }

    static Task Json(HttpContext context, JsonNode document)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }
}

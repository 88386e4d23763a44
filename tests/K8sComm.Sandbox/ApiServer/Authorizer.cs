using K8sComm.Sandbox.Kubelets;
using K8sComm.Sandbox.Pki;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// A small stand-in for Node,RBAC (or AlwaysAllow in the insecure posture): system:masters may do
/// anything; a service account may read pods in its own namespace; every authenticated user may use
/// discovery and the self-review APIs; health and version are public, as the default
/// system:public-info-viewer binding makes them. Anonymous callers get everything only when the
/// policy says Allowed.
/// </summary>
public sealed class Authorizer(ApiServerPolicy policy)
{
    public sealed record ResourceRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources);
    public sealed record NonResourceRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> Urls);

    private static readonly string[] PublicInfoPaths = ["/healthz", "/livez", "/readyz", "/version"];
    private static readonly string[] DiscoveryPaths = ["/api", "/apis", "/openapi"];
    private static readonly HashSet<string> ReadVerbs = ["get", "list", "watch"];

    public bool IsAllowed(UserInfo user, RequestInfo request)
    {
        if (policy.AlwaysAllow) return true;
        if (user.IsAnonymous && policy.Anonymous == AnonymousMode.Allowed) return true;
        if (user.InGroup(ClusterPki.MastersGroup)) return true;

        if (!request.IsResourceRequest)
        {
            if (request.Verb == "get" && MatchesAny(request.Path, PublicInfoPaths)) return true;
            return !user.IsAnonymous && request.Verb == "get" && MatchesAny(request.Path, DiscoveryPaths);
        }

        if (user.IsAnonymous) return false;
        if (request.Verb == "create" && request.Name is null &&
            ((request.Group == "authentication.k8s.io" && request.Resource == "selfsubjectreviews") ||
             (request.Group == "authorization.k8s.io" && request.Resource is "selfsubjectaccessreviews" or "selfsubjectrulesreviews")))
        {
            return true;
        }

        return user.ServiceAccountNamespace is { } ns
               && request.Group == "" && request.Resource == "pods" && request.Subresource is null
               && request.Namespace == ns && ReadVerbs.Contains(request.Verb);
    }

    private static bool MatchesAny(string path, string[] prefixes) =>
        prefixes.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal));

    /// <summary>What <see cref="IsAllowed"/> grants a user in a namespace, as SelfSubjectRulesReview lists it.</summary>
    public (IReadOnlyList<ResourceRule> Resources, IReadOnlyList<NonResourceRule> NonResources) RulesFor(UserInfo user, string ns)
    {
        if (policy.AlwaysAllow || (user.IsAnonymous && policy.Anonymous == AnonymousMode.Allowed) || user.InGroup(ClusterPki.MastersGroup))
            return ([new(["*"], ["*"], ["*"])], [new(["*"], ["*"])]);

        var publicInfo = new NonResourceRule(["get"], PublicInfoPaths.SelectMany(p => new[] { p, p + "/*" }).ToList());
        if (user.IsAnonymous) return ([], [publicInfo]);

        var resources = new List<ResourceRule>
        {
            new(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
            new(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
        };
        if (user.ServiceAccountNamespace == ns) resources.Add(new([.. ReadVerbs.Order()], [""], ["pods"]));
        return (resources, [new(["get"], DiscoveryPaths.SelectMany(p => new[] { p, p + "/*" }).ToList()), publicInfo]);
    }
}

namespace K8sComm.Sandbox.ApiServer;

/// <summary>A resource the sandbox serves, as discovery describes it.</summary>
public sealed record ResourceType(string Group, string Version, string Name, string Singular, string Kind, bool Namespaced,
    IReadOnlyList<string> Verbs, IReadOnlyList<string> ShortNames)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    private static readonly string[] Read = ["get", "list"];

    public static readonly IReadOnlyList<ResourceType> All =
    [
        new("", "v1", "namespaces", "namespace", "Namespace", false, Read, ["ns"]),
        new("", "v1", "nodes", "node", "Node", false, Read, ["no"]),
        new("", "v1", "pods", "pod", "Pod", true, ["get", "list", "watch"], ["po"]),
        new("", "v1", "services", "service", "Service", true, Read, ["svc"]),
        new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, Read, ["sa"]),
        new("authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", false, ["create"], []),
        new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false, ["create"], []),
        new("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview", false, ["create"], []),
    ];

    /// <summary>Subresources listed in discovery (proxy is the only one the sandbox implements).</summary>
    public static readonly IReadOnlyList<(string Resource, string Kind, bool Namespaced)> ProxySubresources =
    [
        ("nodes/proxy", "NodeProxyOptions", false),
        ("pods/proxy", "PodProxyOptions", true),
        ("services/proxy", "ServiceProxyOptions", true),
    ];

    public static ResourceType? Find(string group, string version, string name) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Name == name);
}

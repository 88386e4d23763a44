using System.Text.RegularExpressions;

namespace K8sComm.Core.Api;

/// <summary>
/// What a 403 says was refused, read from the API server's sentence
/// (<c>User "system:serviceaccount:ns:sa" cannot list resource "pods" in API group "" in the namespace "x"</c>,
/// or <c>... cannot get path "/metrics"</c>), and the RBAC rule that would allow it: a Role in the
/// namespace, or a ClusterRole at the cluster scope and for non-resource paths.
/// </summary>
public sealed partial record RbacDenial
{
    public required string User { get; init; }
    public required string Verb { get; init; }

    /// <summary>The resource with any subresource (<c>pods/log</c>); null for a non-resource path.</summary>
    public string? Resource { get; init; }

    /// <summary>The API group; "" is the core group.</summary>
    public string Group { get; init; } = "";

    /// <summary>Null at the cluster scope.</summary>
    public string? Namespace { get; init; }

    /// <summary>A non-resource URL such as <c>/metrics</c>.</summary>
    public string? NonResourcePath { get; init; }

    /// <summary>The service account's namespace and name when <see cref="User"/> is one.</summary>
    public (string Namespace, string Name)? ServiceAccount =>
        User.Split(':') is ["system", "serviceaccount", var ns, var name] ? (ns, name) : null;

    /// <summary>Role when a namespaced grant suffices, else ClusterRole.</summary>
    public string RoleKind => Namespace is null ? "ClusterRole" : "Role";

    /// <summary>The missing rule as it would appear under <c>rules:</c>, in flow style.</summary>
    public string Rule => NonResourcePath is not null
        ? $"{{nonResourceURLs: [\"{NonResourcePath}\"], verbs: [\"{Verb}\"]}}"
        : $"{{apiGroups: [\"{Group}\"], resources: [\"{Resource}\"], verbs: [\"{Verb}\"]}}";

    /// <summary>Where the rule must live: "Role in namespace x" or "ClusterRole".</summary>
    public string Scope => Namespace is null ? "ClusterRole" : $"Role in the namespace \"{Namespace}\"";

    /// <summary>kubectl commands that grant exactly the missing rule (a role and its binding).</summary>
    public string GrantCommand
    {
        get
        {
            var subject = ServiceAccount is { } sa ? $"--serviceaccount={sa.Namespace}:{sa.Name}" : $"--user={User}";
            var what = NonResourcePath is not null
                ? $"--non-resource-url={NonResourcePath}"
                : $"--resource={Resource}{(Group.Length > 0 ? "." + Group : "")}";
            var name = $"{Verb}-{(Resource ?? "path").Replace('/', '-')}";
            return Namespace is null
                ? $"kubectl create clusterrole {name} --verb={Verb} {what}; " +
                  $"kubectl create clusterrolebinding {name} --clusterrole={name} {subject}"
                : $"kubectl create role {name} -n {Namespace} --verb={Verb} {what}; " +
                  $"kubectl create rolebinding {name} -n {Namespace} --role={name} {subject}";
        }
    }

    [GeneratedRegex(""""User "(?<user>[^"]*)" cannot (?<verb>[a-z]+) resource "(?<resource>[^"]*)" in API group "(?<group>[^"]*)"(?: in the namespace "(?<ns>[^"]*)")?"""")]
    private static partial Regex ResourcePattern();

    [GeneratedRegex(""""User "(?<user>[^"]*)" cannot (?<verb>[a-z]+) path "(?<path>[^"]*)"""")]
    private static partial Regex PathPattern();

    /// <summary>Reads the API server's 403 sentence; null when it is not one of the two RBAC shapes.</summary>
    public static RbacDenial? Parse(string? message)
    {
        if (string.IsNullOrEmpty(message))
            return null;
        if (ResourcePattern().Match(message) is { Success: true } resource)
        {
            return new RbacDenial
            {
                User = resource.Groups["user"].Value,
                Verb = resource.Groups["verb"].Value,
                Resource = resource.Groups["resource"].Value,
                Group = resource.Groups["group"].Value,
                Namespace = resource.Groups["ns"].Success ? resource.Groups["ns"].Value : null,
            };
        }
        if (PathPattern().Match(message) is { Success: true } path)
        {
            return new RbacDenial
            {
                User = path.Groups["user"].Value,
                Verb = path.Groups["verb"].Value,
                NonResourcePath = path.Groups["path"].Value,
            };
        }
        return null;
    }
}

namespace K8sComm.Sandbox.ApiServer;

/// <summary>Who a request speaks for, as the API server's authenticators report it.</summary>
public sealed record UserInfo(string Name, string Uid, IReadOnlyList<string> Groups, string Method)
{
    public const string AnonymousName = "system:anonymous";

    public static readonly UserInfo Anonymous = new(AnonymousName, "", ["system:unauthenticated"], "anonymous");

    public bool IsAnonymous => Name == AnonymousName;
    public bool InGroup(string group) => Groups.Contains(group);

    /// <summary>system:serviceaccount:NS:NAME → NS; null for other users.</summary>
    public string? ServiceAccountNamespace =>
        Name.StartsWith("system:serviceaccount:", StringComparison.Ordinal) && Name.Split(':') is { Length: 4 } parts
            ? parts[2]
            : null;
}

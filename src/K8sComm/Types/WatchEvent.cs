namespace K8sComm;

/// <summary>One event of Invoke-InPodApiCall -Watch: ADDED, MODIFIED, DELETED or BOOKMARK, and the object.</summary>
public sealed class WatchEvent
{
    public string Type { get; init; } = "";

    /// <summary>The object as PowerShell objects, with Kubernetes' property names.</summary>
    public object? Object { get; init; }

    public override string ToString() => Type;
}

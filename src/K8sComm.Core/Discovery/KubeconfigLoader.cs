using K8sComm.Core.IO;

namespace K8sComm.Core.Discovery;

/// <summary>
/// Reads and merges kubeconfig files by kubectl's rules (client-go clientcmd loader): for clusters,
/// users and contexts the first file to define a name wins, whole; the first non-empty
/// current-context wins. Names are compared case-sensitively.
/// </summary>
public static class KubeconfigLoader
{
    /// <summary>Loads what <paramref name="location"/> found; none found is KubeconfigNotFound.</summary>
    public static Kubeconfig Load(KubeconfigLocation location, CancellationToken cancellationToken = default)
    {
        if (location.IsEmpty)
        {
            throw KubeconfigLocator.NotFound(location.Searched);
        }

        return Load(location.Files, cancellationToken);
    }

    /// <summary>Loads and merges existing files, first file first.</summary>
    public static Kubeconfig Load(IReadOnlyList<string> files, CancellationToken cancellationToken = default)
    {
        var parsed = new List<KubeconfigFile>(files.Count);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            parsed.Add(KubeconfigParser.Parse(file, ReadText(file, cancellationToken)));
        }

        return Merge(parsed);
    }

    /// <summary>Parses kubeconfig text as if read from <paramref name="path"/> (relative references resolve against its directory).</summary>
    public static Kubeconfig Parse(string path, string text) => Merge([KubeconfigParser.Parse(path, text)]);

    internal static Kubeconfig Merge(IReadOnlyList<KubeconfigFile> files)
    {
        var clusters = new Dictionary<string, KubeconfigCluster>(StringComparer.Ordinal);
        var users = new Dictionary<string, KubeconfigUser>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, KubeconfigContext>(StringComparer.Ordinal);
        string? current = null;
        foreach (var file in files)
        {
            current ??= file.CurrentContext;
            foreach (var c in file.Clusters) clusters.TryAdd(c.Name, c);
            foreach (var u in file.Users) users.TryAdd(u.Name, u);
            foreach (var c in file.Contexts) contexts.TryAdd(c.Name, c);
        }

        return new Kubeconfig(files.Select(f => f.Path).ToArray(), current, contexts, clusters, users);
    }

    private static string ReadText(string file, CancellationToken cancellationToken)
    {
        try
        {
            return LocalFile.ReadAllText(file, LocalFileKind.Kubeconfig, cancellationToken);
        }
        catch (LocalFileException e) when (e.Missing)
        {
            throw KubeconfigLocator.NotFound([file]);
        }
        catch (LocalFileException e)
        {
            // The reason (a FIFO, too large, permission denied) names no secret.
            throw new K8sCommException(FailureReason.KubeconfigUnreadable,
                $"The kubeconfig '{e.Path}' cannot be read: it {e.Problem}.", file, [e.Path, e.Problem], e);
        }
    }
}

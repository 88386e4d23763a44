using K8sComm.Core.IO;

namespace K8sComm.Core.Discovery;

/// <summary>Which kubeconfig files to read (<see cref="Files"/>, existing, in precedence order) and
/// every place considered (<see cref="Searched"/>), for a "not found" message.</summary>
public sealed record KubeconfigLocation(IReadOnlyList<string> Files, IReadOnlyList<string> Searched)
{
    public bool IsEmpty => Files.Count == 0;
}

/// <summary>
/// Finds kubeconfig files with kubectl's precedence: explicit paths, else the KUBECONFIG variable
/// (split on the platform's path separator; empty and repeated entries dropped, missing files
/// skipped), else ~/.kube/config. An explicit path that does not exist is an error, as with
/// <c>kubectl --kubeconfig</c>.
/// </summary>
public static class KubeconfigLocator
{
    public const string VariableName = "KUBECONFIG";

    /// <param name="explicitPaths">Paths the user named (e.g. -Kubeconfig); null or empty to fall back.</param>
    /// <param name="kubeconfigVariable">The value of KUBECONFIG, or null when unset.</param>
    /// <param name="homeDirectory">The user's home directory, or null when unknown.</param>
    /// <param name="workingDirectory">Base for relative paths; the process directory when null.</param>
    public static KubeconfigLocation Locate(
        IReadOnlyList<string>? explicitPaths,
        string? kubeconfigVariable,
        string? homeDirectory,
        string? workingDirectory = null)
    {
        string Full(string path)
        {
            if (path.Contains('\0'))
                throw PathInvalid(path, "contains a null character");
            try
            {
                return workingDirectory is null ? Path.GetFullPath(path) : Path.GetFullPath(path, workingDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw PathInvalid(path, e.Message);
            }
        }

        if (explicitPaths is { Count: > 0 })
        {
            var files = Distinct(explicitPaths.Where(p => p.Length > 0).Select(Full));
            var missing = files.FirstOrDefault(f => !LocalFile.Exists(f));
            if (missing is not null)
            {
                throw NotFound([missing]);
            }

            return new KubeconfigLocation(files, files);
        }

        if (!string.IsNullOrEmpty(kubeconfigVariable))
        {
            var candidates = Distinct(kubeconfigVariable
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(Full));
            return new KubeconfigLocation(candidates.Where(LocalFile.Exists).ToArray(), candidates);
        }

        if (string.IsNullOrEmpty(homeDirectory))
        {
            return new KubeconfigLocation([], []);
        }

        var home = Path.Combine(homeDirectory, ".kube", "config");
        return new KubeconfigLocation(LocalFile.Exists(home) ? [home] : [], [home]);
    }

    /// <summary>Locates with this process's KUBECONFIG and home directory.</summary>
    public static KubeconfigLocation Locate(IReadOnlyList<string>? explicitPaths = null, string? workingDirectory = null) =>
        Locate(explicitPaths,
            Environment.GetEnvironmentVariable(VariableName),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            workingDirectory);

    /// <summary>The error for a search that found nothing, naming every place it looked.</summary>
    public static K8sCommException NotFound(IReadOnlyList<string> searched)
    {
        var places = searched.Count == 0 ? "(no home directory and no KUBECONFIG)" : string.Join(", ", searched);
        return new K8sCommException(
            FailureReason.KubeconfigNotFound,
            $"No kubeconfig found and not running in a pod. Looked in: {places}",
            searched,
            [places]);
    }

    /// <summary>A path no file system can hold (a null character, an illegal form): the user's typing, shown escaped.</summary>
    public static K8sCommException PathInvalid(string path, string problem)
    {
        var shown = path.Replace("\0", "\\0", StringComparison.Ordinal);
        return new K8sCommException(FailureReason.PathInvalid, $"The path '{shown}' is not valid: {problem}.", shown, [shown, problem]);
    }

    private static string[] Distinct(IEnumerable<string> paths) => paths.Distinct(StringComparer.Ordinal).ToArray();
}

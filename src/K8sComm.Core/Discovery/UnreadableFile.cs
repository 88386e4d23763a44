using K8sComm.Core.IO;

namespace K8sComm.Core.Discovery;

/// <summary>A file a kubeconfig field names that could not be read: the field (e.g.
/// <c>users[dev].client-key</c>), the file, and why. The endpoint is still written, with a finding; what
/// needs the file (trust, credentials) is then not used.</summary>
public sealed record UnreadableFile(string Field, string Path, string Problem)
{
    /// <summary>Reads <paramref name="path"/> for <paramref name="field"/>; a file that can't be read is
    /// added to <paramref name="unreadable"/> and gives null.</summary>
    internal static byte[]? TryRead(string path, string field, LocalFileKind kind, ICollection<UnreadableFile> unreadable)
    {
        try
        {
            return LocalFile.ReadAllBytes(path, kind);
        }
        catch (LocalFileException e)
        {
            unreadable.Add(new UnreadableFile(field, e.Path, e.Problem));
            return null;
        }
    }
}

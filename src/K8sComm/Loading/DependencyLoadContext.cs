using System.Reflection;
using System.Runtime.Loader;

namespace K8sComm.Loading;

/// <summary>
/// The module's own load context. K8sComm.Core and everything it depends on (KubernetesClient,
/// YamlDotNet, Fractions, BouncyCastle) load here from the module's Dependencies folder, so another
/// module's copy of the same libraries in the default context can't clash with ours.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    internal const string CoreAssemblyName = "K8sComm.Core";

    private readonly string _dependencyDirectory;

    internal DependencyLoadContext(string dependencyDirectory)
        : base("K8sComm", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    internal string DependencyDirectory => _dependencyDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Only what we ship; the framework and PowerShell itself come from the default context.
        string path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}

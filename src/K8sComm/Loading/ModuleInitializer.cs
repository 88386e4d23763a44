using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace K8sComm.Loading;

/// <summary>
/// Runs when PowerShell imports the module: routes the one assembly the cmdlets reference
/// (K8sComm.Core) into <see cref="DependencyLoadContext"/>. The bridge pattern: K8sComm.dll lives in
/// the default context so its types resolve by name in scripts; nothing else of ours does.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly DependencyLoadContext s_context = new(
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies"));

    private static int s_registered;

    /// <summary>The context the core was loaded into (for diagnostics and tests).</summary>
    public static AssemblyLoadContext DependencyContext => s_context;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += ResolveCore;
        }
    }

    private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        return name.Name == DependencyLoadContext.CoreAssemblyName
            ? s_context.LoadFromAssemblyName(name)
            : null;
    }
}

using System.Reflection;

namespace K8sComm.Tests.Infrastructure;

/// <summary>Where things are: the repository and the module folder this build laid out.</summary>
internal static class Repo
{
    internal static string Root { get; } = Metadata("RepoRoot");
    internal static string ModuleDirectory { get; } = Metadata("ModuleOutputDir");
    internal static string ModuleManifest => Path.Combine(ModuleDirectory, "K8sComm.psd1");
    internal static string SourceManifest => Path.Combine(Root, "K8sComm.psd1");

    private static string Metadata(string key) => typeof(Repo).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

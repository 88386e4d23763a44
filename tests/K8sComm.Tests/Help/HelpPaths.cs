using System.Reflection;

namespace K8sComm.Tests.Help;

/// <summary>Where the help sources, the shipped MAML and the PlatyPS fixture live in the repository.</summary>
internal static class HelpPaths
{
    public static readonly string[] Cultures = ["en-US", "ko-KR"];

    public static string RepoRoot { get; } = typeof(HelpPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Docs(string culture) => Path.Combine(RepoRoot, "docs", culture);

    public static string ShippedMaml(string culture) => Path.Combine(RepoRoot, culture, "K8sComm.dll-Help.xml");

    public static string AboutTopic(string culture) => Path.Combine(RepoRoot, culture, "about_K8sComm.help.txt");

    public static string Fixture(params string[] parts) =>
        Path.Combine([RepoRoot, "tests", "K8sComm.Tests", "Help", "Fixtures", "PlatyPS", .. parts]);
}

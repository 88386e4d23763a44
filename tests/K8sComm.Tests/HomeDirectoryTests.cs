using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>Runbooks and CI agents often have no home directory, or one that can't be written: nothing
/// in K8sComm may need it, and the module writes no file unless asked.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class HomeDirectoryTests : IAsyncLifetime, IDisposable
{
    private readonly string? _savedHome = Environment.GetEnvironmentVariable("HOME");
    private readonly string? _savedKubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");
    private readonly string _readOnlyHome = Directory.CreateTempSubdirectory("k8scomm-readonly-home-").FullName;
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HOME", _savedHome);
        Environment.SetEnvironmentVariable("KUBECONFIG", _savedKubeconfig);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_readOnlyHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_readOnlyHome, recursive: true);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Connecting_and_probing_need_no_home_directory(bool readOnlyHome)
    {
        Skip.If(OperatingSystem.IsWindows(), "HOME and Unix file modes");
        Environment.SetEnvironmentVariable("KUBECONFIG", null);
        if (readOnlyHome)
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_readOnlyHome, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            Environment.SetEnvironmentVariable("HOME", _readOnlyHome);
        }
        else
        {
            Environment.SetEnvironmentVariable("HOME", null);
        }

        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -KubeconfigContent ([IO.File]::ReadAllText($Path)) -Probe | ForEach-Object { $_.Probe.Identity }",
            ModuleSession.Vars(("Path", _cluster.Files.TokenKubeconfig)));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.False(string.IsNullOrEmpty(Assert.Single(result.Output)?.ToString()));
        // Root writes anyway, and the engine keeps its own caches under ~/.cache/powershell and
        // ~/.local/share/powershell; nothing else may appear.
        var written = Directory.EnumerateFiles(_readOnlyHome, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_readOnlyHome, f))
            .Where(f => !f.StartsWith(Path.Combine(".cache", "powershell"), StringComparison.Ordinal)
                && !f.StartsWith(Path.Combine(".local", "share", "powershell"), StringComparison.Ordinal));
        Assert.Empty(written);
    }
}

using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

public sealed class KubeconfigLocatorTests
{
    [Fact]
    public void ExplicitPathsWinOverTheVariableAndHome()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("a", "");
        var b = dir.Write("b", "");
        dir.Write("home/.kube/config", "");

        var location = KubeconfigLocator.Locate([b, a, b], a, dir.Combine("home"));

        Assert.Equal([b, a], location.Files);
    }

    [Fact]
    public void VariableIsSplitWithEmptyRepeatedAndMissingEntriesDropped()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("a", "");
        var b = dir.Write("b", "");
        var missing = dir.Combine("missing");
        var variable = string.Join(Path.PathSeparator, "", b, missing, "", a, b, a);

        var location = KubeconfigLocator.Locate(null, variable, dir.Path);

        Assert.Equal([b, a], location.Files);
        Assert.Equal([b, missing, a], location.Searched);
    }

    [Fact]
    public void RelativeEntriesResolveAgainstTheWorkingDirectory()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("conf/a", "");

        var location = KubeconfigLocator.Locate(null, Path.Combine("conf", "a"), null, dir.Path);
        var explicitLocation = KubeconfigLocator.Locate([Path.Combine("conf", "a")], null, null, dir.Path);

        Assert.Equal([a], location.Files);
        Assert.Equal([a], explicitLocation.Files);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void UnsetOrEmptyVariableFallsBackToHome(string? variable)
    {
        using var dir = new TempDirectory();
        var home = dir.Write(Path.Combine(".kube", "config"), "");

        var location = KubeconfigLocator.Locate(null, variable, dir.Path);

        Assert.Equal([home], location.Files);
    }

    [Fact]
    public void VariableWithOnlyMissingFilesDoesNotFallBackToHome()
    {
        using var dir = new TempDirectory();
        dir.Write(Path.Combine(".kube", "config"), "");

        var location = KubeconfigLocator.Locate(null, dir.Combine("missing"), dir.Path);

        Assert.True(location.IsEmpty);
        Assert.Equal([dir.Combine("missing")], location.Searched);
    }
}

using System.Diagnostics;
using K8sComm.Core.Discovery;
using K8sComm.Core.IO;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>Files made to hurt the reader: deep nesting, pipes, devices, huge files. Each ends fast in an
/// error that names the file and why, on any thread.</summary>
public sealed class HostileFileTests
{
    private static K8sCommException Failure(Action action) => Assert.Throws<K8sCommException>(action);

    /// <summary>Runs on a thread with a 1 MB stack, like pwsh's pipeline and completion threads.</summary>
    private static T OnSmallStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();
        return failure is null ? result : throw failure;
    }

    [Theory]
    [InlineData("flow", 100_000)]
    [InlineData("block", 2_000)]
    [InlineData("flow mapping", 100_000)]
    public void NestingDeeperThanTheBoundIsMalformedNotAStackOverflow(string style, int depth)
    {
        using var dir = new TempDirectory();
        var yaml = style switch
        {
            "flow" => "clusters: " + new string('[', depth) + new string(']', depth) + "\n",
            "flow mapping" => "x: " + string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth) + "\n",
            _ => string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', i) + "a:\n")),
        };
        var file = dir.Write("config", yaml);

        var error = OnSmallStack(() => Failure(() => KubeconfigLoader.Load([file])));

        Assert.Equal(FailureReason.KubeconfigMalformed, error.Reason);
        Assert.Equal(file, error.Arguments[0]);
        Assert.Contains($"exceeded max depth of {YamlTree.MaxDepth}", error.Message);
    }

    [Fact]
    public void NestingJustUnderTheBoundStillLoads()
    {
        var depth = YamlTree.MaxDepth - 2;
        var yaml = "preferences: " + new string('[', depth) + new string(']', depth) + "\ncurrent-context: a\n";

        var config = OnSmallStack(() => KubeconfigLoader.Parse("/k/config", yaml));

        Assert.Equal("a", config.CurrentContext);
    }

    [Fact]
    public void AnAliasInsideItsOwnAnchorIsRejectedNotACycle()
    {
        var error = Failure(() => KubeconfigLoader.Parse("/k/config", "clusters: &a [*a]\n"));

        Assert.Equal(FailureReason.KubeconfigMalformed, error.Reason);
    }

    private static string MakeFifo(TempDirectory dir, string name)
    {
        var path = dir.Combine(name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    public static TheoryData<string> SpecialFiles() => ["fifo", "/dev/zero", "/dev/urandom", "directory"];

    private static string Special(TempDirectory dir, string kind) => kind switch
    {
        "fifo" => MakeFifo(dir, "pipe"),
        "directory" => Directory.CreateDirectory(dir.Combine("a-directory")).FullName,
        "missing" => dir.Combine("no-such-file"),
        _ => kind,
    };

    [SkippableTheory]
    [MemberData(nameof(SpecialFiles))]
    public void AKubeconfigThatIsNotARegularFileIsUnreadableAtOnce(string kind)
    {
        Skip.If(OperatingSystem.IsWindows(), "FIFOs and /dev are Unix");
        using var dir = new TempDirectory();
        var path = Special(dir, kind);

        var error = Failure(() => KubeconfigLoader.Load([path]));

        Assert.Equal(FailureReason.KubeconfigUnreadable, error.Reason);
        Assert.Equal(path, error.Arguments[0]);
        Assert.Contains("not a regular file", error.Arguments[1]);
    }

    [SkippableTheory]
    [MemberData(nameof(SpecialFiles))]
    public void AKubeconfigVariableEntryThatIsNotARegularFileIsUnreadable(string kind)
    {
        Skip.If(OperatingSystem.IsWindows(), "FIFOs and /dev are Unix");
        using var dir = new TempDirectory();
        var good = dir.Write("good", "current-context: a\n");
        var path = Special(dir, kind);

        var location = KubeconfigLocator.Locate(null, string.Join(Path.PathSeparator, good, path), dir.Path);
        var error = Failure(() => KubeconfigLoader.Load(location));

        Assert.Equal(FailureReason.KubeconfigUnreadable, error.Reason);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AHugeKubeconfigIsRefusedBeforeItIsRead()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("huge");
        using (var stream = File.Create(path))
        {
            stream.SetLength(LocalFile.LimitOf(LocalFileKind.Kubeconfig) + 1); // sparse: costs no disk
        }

        var error = Failure(() => KubeconfigLoader.Load([path]));

        Assert.Equal(FailureReason.KubeconfigUnreadable, error.Reason);
        Assert.Contains("larger than 16 MiB", error.Message);
    }

    [SkippableTheory]
    [InlineData("certificate-authority", "cluster")]
    [InlineData("client-certificate", "user")]
    [InlineData("client-key", "user")]
    [InlineData("tokenFile", "user")]
    public void EveryFileAKubeconfigNamesIsReadOnlyWhenRegular(string field, string where)
    {
        Skip.If(OperatingSystem.IsWindows(), "FIFOs and /dev are Unix");
        foreach (var kind in new[] { "missing", "fifo", "/dev/zero", "directory" })
        {
            using var dir = new TempDirectory();
            var path = Special(dir, kind);
            var (certificate, key) = TestPki.CreateClient("dave", DateTimeOffset.UtcNow.AddDays(60));
            var cert = dir.Write("client.crt", certificate);
            var keyFile = dir.Write("client.key", key);
            var user = field switch
            {
                "client-certificate" => $"client-certificate: {path}\n    client-key: {keyFile}",
                "client-key" => $"client-certificate: {cert}\n    client-key: {path}",
                "tokenFile" => $"tokenFile: {path}",
                _ => "token: t",
            };
            var cluster = where == "cluster" ? $"certificate-authority: {path}" : "insecure-skip-tls-verify: true";
            var config = KubeconfigLoader.Parse(dir.Combine("config"), $"""
                current-context: c
                contexts: [{"{"}name: c, context: {"{"}cluster: k, user: u{"}}"}]
                clusters:
                - name: k
                  cluster:
                    server: https://k
                    {cluster}
                users:
                - name: u
                  user:
                    {user}
                """);

            var endpoint = new EndpointResolver().Resolve(config);

            var finding = Assert.Single(endpoint.Findings, f => f.Id == FindingIds.FileUnreadable);
            Assert.Equal(FindingSeverity.High, finding.Severity);
            Assert.Contains(field, finding.Arguments![0]);
            Assert.Equal(path, finding.Arguments[1]);
            Assert.Contains(kind == "missing" ? "does not exist" : "not a regular file", finding.Arguments[2]);
            Assert.NotNull(endpoint.Credentials.Unusable ?? (object?)endpoint.UnreadableFiles.SingleOrDefault(f => f.Field.EndsWith("certificate-authority")));
        }
    }

    [Fact]
    public void ANullCharacterInAPathIsPathInvalid()
    {
        var error = Failure(() => KubeconfigLocator.Locate(["/tmp/a\0b"], null, null));

        Assert.Equal(FailureReason.PathInvalid, error.Reason);
        Assert.False(error.Message.Contains('\0'), error.Message);
        Assert.Contains("null character", error.Message);
    }

    [Fact]
    public void ANullCharacterInAReferencedFileIsReadOnlyAsAnError()
    {
        var error = Assert.Throws<LocalFileException>(() => LocalFile.ReadAllBytes("/tmp/a\0b", LocalFileKind.Certificate));

        Assert.Contains("null character", error.Message);
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace K8sComm.Core.Tests.Kubelets;

/// <summary>
/// Debian's <c>openssl s_server</c> on 127.0.0.1 (port chosen by the OS), serving a certificate and,
/// optionally, a chain: a TLS server that is not ours. Killed on dispose.
/// </summary>
internal sealed partial class OpensslServer : IDisposable
{
    public static readonly string? Path = FindOnPath("openssl");
    public const string MissingReason = "openssl is not on PATH; the tests against a server that is not ours need it";

    private readonly Process _process;
    private readonly string _directory;

    [GeneratedRegex(@"^ACCEPT\s+127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex AcceptLine();

    public OpensslServer(X509Certificate2 leaf, params X509Certificate2[] chain)
        : this(leaf, [], chain)
    {
    }

    /// <param name="options">More s_server options, such as <c>-tls1_2</c>.</param>
    public OpensslServer(X509Certificate2 leaf, IReadOnlyList<string> options, params X509Certificate2[] chain)
    {
        _directory = Directory.CreateTempSubdirectory("k8scomm-openssl-").FullName;
        var certificate = System.IO.Path.Combine(_directory, "server.crt");
        var key = System.IO.Path.Combine(_directory, "server.key");
        File.WriteAllText(certificate, leaf.ExportCertificatePem());
        File.WriteAllText(key, ((AsymmetricAlgorithm?)leaf.GetRSAPrivateKey() ?? leaf.GetECDsaPrivateKey()!).ExportPkcs8PrivateKeyPem());

        var start = new ProcessStartInfo(Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-www", "-no_dhe" })
            start.ArgumentList.Add(arg);
        foreach (var option in options)
            start.ArgumentList.Add(option);
        if (chain.Length > 0)
        {
            var chainFile = System.IO.Path.Combine(_directory, "chain.crt");
            File.WriteAllText(chainFile, string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n")));
            start.ArgumentList.Add("-cert_chain");
            start.ArgumentList.Add(chainFile);
        }
        _process = Process.Start(start)!;
        // s_server prints "ACCEPT 127.0.0.1:<port>" once it listens; everything after is drained.
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && AcceptLine().Match(text) is { Success: true } match)
                port.TrySetResult(int.Parse(match.Groups["port"].Value));
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.Exited += (_, _) => port.TrySetException(new InvalidOperationException("openssl s_server exited before it listened."));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            if (!port.Task.Wait(TimeSpan.FromSeconds(30)))
                throw new InvalidOperationException("openssl s_server did not report a listening port.");
            Port = port.Task.Result;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

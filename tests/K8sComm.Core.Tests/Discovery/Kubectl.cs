using Xunit;
using System.Diagnostics;
using System.Text.Json;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>Runs the real kubectl as the reference client.</summary>
internal static class Kubectl
{
    public static readonly string? Path = Find();

    public static bool Missing => Path is null;

    public const string MissingReason = "kubectl is not on PATH; the kubectl parity tests need the real client";

    /// <summary>Runs kubectl with its own environment: only the variables given, plus a scratch HOME.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string home, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // kubectl resolves relative KUBECONFIG entries against its working directory: run it in HOME's parent.
        var start = new ProcessStartInfo(Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.TrimEndingDirectorySeparator(home))!,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("KUBECONFIG");
        start.Environment["HOME"] = home;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>What <c>kubectl config view --minify -o json</c> says the active context resolves to.</summary>
    public static MinifiedView ViewMinified(string home, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var (code, stdout, stderr) = Run(home, environment, ["config", "view", "--minify", "-o", "json", .. extraArgs]);
        Assert.True(code == 0, $"kubectl failed ({code}): {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var context = root.GetProperty("contexts")[0];
        var body = context.GetProperty("context");
        var cluster = root.GetProperty("clusters")[0].GetProperty("cluster");
        var users = root.GetProperty("users");
        var clientCertificate = users.ValueKind == JsonValueKind.Array && users.GetArrayLength() > 0
            ? Text(users[0].GetProperty("user"), "client-certificate-data")
            : "";
        return new MinifiedView(
            context.GetProperty("name").GetString()!,
            body.GetProperty("cluster").GetString()!,
            Text(body, "user"),
            Text(body, "namespace") is { Length: > 0 } ns ? ns : "default",
            cluster.GetProperty("server").GetString()!,
            Text(cluster, "certificate-authority-data"),
            clientCertificate.Length == 0 ? "" : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
                System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(clientCertificate))).Subject);
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { System.IO.Path.Combine(dir, "kubectl"), System.IO.Path.Combine(dir, "kubectl.exe") })
            .FirstOrDefault(File.Exists);
}

/// <summary>The fields of a minified kubectl view we compare; namespace absent means "default".</summary>
internal sealed record MinifiedView(
    string Context, string Cluster, string User, string Namespace, string Server, string CertificateAuthorityData, string ClientCertificateSubject);

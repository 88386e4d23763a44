using Xunit;
using System.Text.Json;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>The real kubectl (the sandbox's judge) reading kubeconfigs, with no cluster involved.</summary>
internal static class Kubectl
{
    public static bool Missing => Sandbox.Kubectl.IsMissing;

    public const string MissingReason = Sandbox.Kubectl.MissingReason;

    /// <summary>Runs kubectl with its own environment: only the variables given, plus a scratch HOME.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string home, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = Sandbox.Kubectl.Start(home, args);
        // kubectl resolves relative KUBECONFIG entries against its working directory: run it in HOME's parent.
        start.WorkingDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.TrimEndingDirectorySeparator(home))!;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var result = Sandbox.Kubectl.RunAsync(start).GetAwaiter().GetResult();
        return (result.ExitCode, result.Output, result.Error);
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

}

/// <summary>The fields of a minified kubectl view we compare; namespace absent means "default".</summary>
internal sealed record MinifiedView(
    string Context, string Cluster, string User, string Namespace, string Server, string CertificateAuthorityData, string ClientCertificateSubject);

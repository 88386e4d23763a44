using System.Text.Json;
using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>Tokens, passwords, keys and exec env values put into a kubeconfig must not come back out in
/// anything a user sees: results, their ToString or JSON, exception messages, targets or arguments.</summary>
public sealed class SecretRedactionTests
{
    private const string Token = "tok-Zq8R3xSECRET";
    private const string Password = "pw-Hn4v7SECRET";
    private const string EnvValue = "env-Kc2p9SECRET";
    private const string ProviderSecret = "idt-Wm5s1SECRET";

    private static readonly (string Certificate, string Key) Client = TestPki.CreateClient("frank", DateTimeOffset.UtcNow.AddDays(10));

    private static IEnumerable<string> Secrets()
    {
        yield return Token;
        yield return Password;
        yield return EnvValue;
        yield return ProviderSecret;
        var keyBase64 = TestPki.Base64(Client.Key);
        yield return keyBase64[..32];
        yield return keyBase64[^32..];
        // A slice of the PEM key body, which would show if the key were ever printed.
        yield return Client.Key.Split('\n')[2];
    }

    private static string Kubeconfig(string server = "http://k:8080") => $"""
        current-context: c
        contexts:
        - {"{"}name: c, context: {"{"}cluster: k, user: everything{"}}"}
        - {"{"}name: b, context: {"{"}cluster: k, user: basic{"}}"}
        clusters:
        - {"{"}name: k, cluster: {"{"}server: "{server}"{"}}"}
        users:
        - name: everything
          user:
            token: {Token}
            client-certificate-data: {TestPki.Base64(Client.Certificate)}
            client-key-data: {TestPki.Base64(Client.Key)}
            exec:
              command: get-token
              env: [{"{"}name: SECRET_ENV, value: {EnvValue}{"}"}]
            auth-provider:
              name: oidc
              config: {"{"}id-token: {ProviderSecret}, refresh-token: {ProviderSecret}{"}"}
        - name: basic
          user: {"{"}username: admin, password: {Password}{"}"}
        """;

    private static void AssertClean(string text, string what)
    {
        foreach (var secret in Secrets())
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} shows a secret: {text}");
        }
    }

    [Fact]
    public void ResolvedEndpointsShowNoSecret()
    {
        var config = KubeconfigLoader.Parse("/k/config", Kubeconfig());
        var all = new EndpointResolver().ResolveAll(config);

        Assert.Equal(2, all.Count);
        foreach (var endpoint in all.Select(r => r.Endpoint!))
        {
            Assert.True(endpoint.Credentials.HasBearerToken || endpoint.Credentials.BasicPassword is not null);
            AssertClean(endpoint.ToString(), "ResolvedEndpoint.ToString");
            AssertClean(JsonSerializer.Serialize(endpoint), "ResolvedEndpoint as JSON");
            AssertClean(endpoint.Credentials.ToString(), "EndpointCredentials.ToString");
            foreach (var method in endpoint.Authentication) AssertClean(method.ToString(), "AuthenticationMethod");
            foreach (var finding in endpoint.Findings) AssertClean(finding.ToString(), "Finding");
        }

        AssertClean(config.ToString(), "Kubeconfig.ToString");
        AssertClean(string.Join(";", all), "ContextResolution.ToString");
        foreach (var user in config.Users.Values) AssertClean(user.ToString(), "KubeconfigUser.ToString");
    }

    public static TheoryData<string> BrokenVariants() => new()
    {
        // The YAML breaks right where a secret is written.
        Kubeconfig().Replace($"token: {Token}", $"token: \"{Token}"),
        Kubeconfig().Replace($"token: {Token}", $"token: [{Token}, {Token}]"),
        Kubeconfig().Replace($"password: {Password}", $"password: {{{Password}: 1}}"),
        Kubeconfig().Replace($"client-key-data: {TestPki.Base64(Client.Key)}", $"client-key-data: {TestPki.Base64(Client.Key)[..20]}%%{TestPki.Base64(Client.Key)[20..]}"),
        Kubeconfig().Replace($"client-key-data: {TestPki.Base64(Client.Key)}", $"client-key-data: {TestPki.Base64(Client.Key.Replace("MIG", "XXX"))}"),
        Kubeconfig().Replace("\n    exec:", $"\n  exec:"),
        Kubeconfig().Replace("current-context: c", "current-context: nope"),
        Kubeconfig("ftp://k"),
    };

    [Theory]
    [MemberData(nameof(BrokenVariants))]
    public void FailuresShowNoSecret(string yaml)
    {
        using var dir = new TempDirectory();
        var file = dir.Write("config", yaml);

        // Touching the client certificate forces the deferred key import, which may fail too.
        var error = Assert.Throws<K8sCommException>(() => _ = new EndpointResolver().Resolve(KubeconfigLoader.Load([file])).Credentials.ClientCertificate);

        AssertClean(error.Message, $"{error.Reason} message");
        AssertClean(error.ToString(), $"{error.Reason} ToString");
        AssertClean(string.Join("|", error.Arguments), $"{error.Reason} arguments");
        AssertClean(error.Target?.ToString() ?? "", $"{error.Reason} target");
    }
}

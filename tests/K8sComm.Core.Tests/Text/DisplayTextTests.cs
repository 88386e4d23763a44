using K8sComm.Core.Discovery;
using K8sComm.Core.Text;
using Xunit;

namespace K8sComm.Core.Tests.Text;

public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("prod", "prod")]
    [InlineData("\u001b]0;pwned\u0007\u001b[2J", "␛]0;pwned␇␛[2J")]
    [InlineData("a\nb\rc\td", "a␊b␍c␉d")]
    [InlineData("nul\0del\u007f", "nul␀del␡")]
    [InlineData("c1\u009bx", "c1\\u{009B}x")]
    [InlineData("evil\u202egnp.exe", "evil\\u{202E}gnp.exe")]
    [InlineData("zero\u200bwidth", "zero\\u{200B}width")]
    [InlineData("line\u2028sep", "line\\u{2028}sep")]
    [InlineData("한국어 컨텍스트", "한국어 컨텍스트")]
    public void EscapeShowsEveryControlCharacterVisibly(string raw, string shown)
    {
        var escaped = DisplayText.Escape(raw);

        Assert.Equal(shown, escaped);
        Assert.DoesNotContain(escaped, c => c < 0x20 || c is >= '\u007f' and <= '\u009f');
    }

    [Fact]
    public void EscapeReturnsCleanTextItself()
    {
        const string clean = "https://api.example:443";
        Assert.Same(clean, DisplayText.Escape(clean));
    }

    [Theory]
    [InlineData("https://api.example:443", "https://api.example:443", false)]
    [InlineData("https://admin:s3cret@api.example:443/", "https://admin:REDACTED@api.example:443/", true)]
    [InlineData("https://admin@api.example", "https://admin@api.example", false)]
    [InlineData("https://api.example/k8s?token=s3cret&x=1#frag", "https://api.example/k8s?token=REDACTED&x=REDACTED#frag", true)]
    [InlineData("https://api.example/?s3cret", "https://api.example/?REDACTED", true)]
    [InlineData("http://u:p%40ss@proxy:3128", "http://u:REDACTED@proxy:3128", true)]
    [InlineData("socks5://u:p:w@[::1]:1080", "socks5://u:REDACTED@[::1]:1080", true)]
    [InlineData("api.example:6443", "api.example:6443", false)]
    [InlineData("user:pw@api.example:6443", "user:REDACTED@api.example:6443", true)]
    [InlineData("https://a@b:c@host/", "https://a@b:REDACTED@host/", true)]
    public void RedactUrlKeepsTheUrlButNotItsSecrets(string url, string shown, bool hasCredentials)
    {
        Assert.Equal(shown, DisplayText.RedactUrl(url));
        Assert.Equal(hasCredentials, DisplayText.HasCredentials(url));
    }

    [Fact]
    public void RedactArgumentsHidesSecretFlagValues()
    {
        string[] args = ["eks", "get-token", "--cluster-name", "prod", "--token=s3cret", "--client-secret", "s3cret2",
            "--password", "s3cret3", "--endpoint", "https://u:s3cret4@idp/", "--api-key=s3cret5"];

        var shown = string.Join(' ', DisplayText.RedactArguments(args));

        Assert.DoesNotContain("s3cret", shown);
        Assert.Equal("eks get-token --cluster-name prod --token=REDACTED --client-secret REDACTED --password REDACTED --endpoint https://u:REDACTED@idp/ --api-key=REDACTED", shown);
    }

    [Fact]
    public void KubeconfigUrlsWithSecretsAreFindingsAndNeverShown()
    {
        var config = KubeconfigLoader.Parse("/k/config", """
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "https://admin:pw-marker@api.example:443/?token=tk-marker", proxy-url: "http://p:px-marker@proxy:3128"}}]
            users: [{name: u, user: {exec: {command: get-token, args: ["--token=ex-marker"], apiVersion: client.authentication.k8s.io/v1}}}]
            """);

        var endpoint = new EndpointResolver().Resolve(config);

        var findings = endpoint.Findings.Where(f => f.Id == FindingIds.CredentialInUrl).ToArray();
        Assert.Equal(["clusters[k].server", "clusters[k].proxy-url"], findings.Select(f => f.Arguments![0]));
        var shown = string.Join("\n", endpoint.Findings.Select(f => f.Message + string.Join(' ', f.Arguments ?? [])))
            + string.Join("\n", endpoint.Authentication.Select(a => a.Detail));
        Assert.DoesNotContain("marker", shown);
        Assert.Equal("https://admin:pw-marker@api.example:443/?token=tk-marker", endpoint.ServerText);
        Assert.Equal("pw-marker", endpoint.Server.UserInfo.Split(':')[1]);
    }
}

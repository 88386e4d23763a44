using CsCheck;
using K8sComm.Core.ApiProxy;
using Xunit;

namespace K8sComm.Core.Tests.ApiProxy;

/// <summary>
/// Properties of the builder over generated input: whatever it builds splits back (by the API server's
/// SplitSchemeNamePort) to exactly what was asked, and whatever breaks Kubernetes' rules never becomes a URL.
/// </summary>
public class ProxyUrlPropertyTests
{
    private const string LabelChars = "abcdefghijklmnopqrstuvwxyz0123456789-";
    private static readonly Gen<char> Alnum = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"];

    private static readonly Gen<string> Label =
        Gen.Select(Alnum, Gen.Char[LabelChars].Array[0, 20], Alnum, Gen.Bool)
            .Select((first, middle, last, single) => single ? first.ToString() : first + new string(middle) + last);

    private static readonly Gen<string> Subdomain = Label.Array[1, 4].Select(labels => string.Join('.', labels));

    private static readonly Gen<string> PortName =
        Gen.Select(Gen.Char['a', 'z'], Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[0, 6], Gen.Bool, Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 6])
            .Select((letter, head, hyphen, tail) => new string(head) + letter + (hyphen ? "-" : "") + new string(tail))
            .Where(p => p.Length <= 15);

    private static readonly Gen<string?> Port = Gen.OneOf(
        Gen.Const((string?)null),
        Gen.Int[1, 65535].Select(p => (string?)p.ToString()),
        PortName.Select(p => (string?)p));

    private static readonly Gen<string?> NumericPort = Gen.OneOf(
        Gen.Const((string?)null), Gen.Int[1, 65535].Select(p => (string?)p.ToString()));

    private static readonly Gen<ProxyScheme> Scheme = Gen.Enum<ProxyScheme>();

    // Any text at all, weighted towards the characters that matter in URLs.
    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.String,
        Gen.Char["aZ09-._~:/?#[]@!$&'()*+,;=%\\ \t\n\u00e9\u4e2d"].Array[0, 24].Select(c => new string(c)));

    private static readonly Gen<ProxyRequest> Request = Gen.Int[0, 2].SelectMany(kind => kind switch
    {
        0 => Gen.Select(Label, Label, Scheme, Port).Select((ns, name, scheme, port) => ProxyRequest.ForService(ns, name, scheme, port)),
        1 => Gen.Select(Label, Subdomain, Scheme, NumericPort).Select((ns, name, scheme, port) => ProxyRequest.ForPod(ns, name, scheme, port)),
        _ => Gen.Select(Subdomain, Scheme, NumericPort).Select((name, scheme, port) => ProxyRequest.ForNode(name, scheme, port)),
    });

    [Fact]
    public void Every_url_splits_back_to_what_was_asked()
    {
        var builder = new ProxyUrlBuilder();
        Request.Sample(request =>
        {
            var url = builder.Build(request);
            Assert.True(ProxyPathParser.TryParse(url, out var parsed), url);
            Assert.Equal(request.Kind, parsed!.Kind);
            Assert.Equal(request.Namespace, parsed.Namespace);
            Assert.Equal(request.Name, parsed.Name);
            Assert.Equal(request.Port ?? "", parsed.Port);
            Assert.Equal(request.Scheme == ProxyScheme.Https ? "https" : "", parsed.Scheme);
            Assert.Equal("", parsed.SubPath);
        });
    }

    [Fact]
    public void The_base_prefix_is_kept_and_the_rest_parses_back()
    {
        Gen.Select(Request, Label.Array[0, 3], Gen.Int[1, 65535], Gen.Bool).Sample((request, prefix, port, slash) =>
        {
            var baseText = $"https://api.example.com:{port}" + string.Concat(prefix.Select(p => "/" + p)) + (slash ? "/" : "");
            var url = new ProxyUrlBuilder(new Uri(baseText)).Build(request);
            var expectedPrefix = baseText.TrimEnd('/');
            Assert.StartsWith(expectedPrefix + "/api/v1/", url);
            Assert.True(ProxyPathParser.TryParse(url[expectedPrefix.Length..], out var parsed));
            Assert.Equal(request.Name, parsed!.Name);
        });
    }

    [Fact]
    public void A_sub_path_is_either_refused_or_stays_below_the_proxy_prefix_and_decodes_back()
    {
        var builder = new ProxyUrlBuilder();
        AnyText.Array[1, 5].Select(parts => "/" + string.Join('/', parts)).Sample(path =>
        {
            var request = ProxyRequest.ForService("default", "web") with { Path = path };
            string url;
            try
            {
                url = builder.Build(request);
            }
            catch (K8sCommException e) when (e.Reason == FailureReason.ProxyPathInvalid)
            {
                return;
            }

            const string prefix = "/api/v1/namespaces/default/services/web/proxy/";
            Assert.StartsWith(prefix, url);
            var rest = url[prefix.Length..];
            // Whatever normalizes the path (a client, a proxy, the API server) finds nothing to resolve:
            // no dot segment, no backslash, no escape that decodes to a separator or dot, no '?' or '#'.
            foreach (var segment in rest.Split('/'))
            {
                Assert.NotEqual(".", segment);
                Assert.NotEqual("..", segment);
            }
            Assert.DoesNotContain('\\', rest);
            Assert.DoesNotContain('?', rest);
            Assert.DoesNotContain('#', rest);
            Assert.DoesNotMatch("%(2[fFeE]|5[cC])", rest);
            // And the server, decoding once, reads exactly the user's path.
            Assert.Equal(path, "/" + Uri.UnescapeDataString(rest));
            // A .NET Uri leaves it where it is, too.
            Assert.Equal(url, new Uri(new Uri("https://h"), url).PathAndQuery);
        });
    }

    [Fact]
    public void Names_outside_the_rules_never_become_a_url()
    {
        var builder = new ProxyUrlBuilder();
        Gen.Select(AnyText, Gen.Int[0, 2]).Sample((name, kind) =>
        {
            var valid = kind == 0 ? KubernetesNames.IsDns1123Label(name) : KubernetesNames.IsDns1123Subdomain(name);
            var request = kind switch
            {
                0 => ProxyRequest.ForService("default", name),
                1 => ProxyRequest.ForPod("default", name),
                _ => ProxyRequest.ForNode(name),
            };
            if (valid)
            {
                builder.Build(request);
                return;
            }
            var e = Assert.Throws<K8sCommException>(() => builder.Build(request));
            Assert.Equal(FailureReason.ProxyNameInvalid, e.Reason);
        });
    }

    [Fact]
    public void Ports_outside_the_rules_never_become_a_url()
    {
        var builder = new ProxyUrlBuilder();
        Gen.OneOf(AnyText, Gen.Int.Select(i => i.ToString())).Sample(port =>
        {
            var number = KubernetesNames.IsPortNumber(port, out var value);
            var name = KubernetesNames.IsValidPortName(port);
            Assert.False(number && name);
            if (number)
                Assert.Equal(port, value.ToString());
            try
            {
                var url = builder.Build(ProxyRequest.ForService("default", "web", port: port));
                Assert.True(number || name);
                Assert.True(ProxyPathParser.TryParse(url, out var parsed));
                Assert.Equal(port, parsed!.Port);
            }
            catch (K8sCommException e) when (e.Reason == FailureReason.ProxyPortInvalid)
            {
                Assert.False(number || name);
            }
        });
    }

    [Fact]
    public void Name_rules_agree_with_the_regular_expressions_apimachinery_uses()
    {
        var label = new System.Text.RegularExpressions.Regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\z");
        var subdomain = new System.Text.RegularExpressions.Regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\z");
        var portChars = new System.Text.RegularExpressions.Regex("^[-a-z0-9]+\\z");
        Gen.OneOf(AnyText, Label, Subdomain, PortName, Gen.Char["a-.0"].Array[0, 70].Select(c => new string(c))).Sample(text =>
        {
            Assert.Equal(text.Length <= 63 && label.IsMatch(text), KubernetesNames.IsDns1123Label(text));
            Assert.Equal(text.Length <= 253 && subdomain.IsMatch(text), KubernetesNames.IsDns1123Subdomain(text));
            var portName = text.Length <= 15 && portChars.IsMatch(text) && text.Any(c => c is >= 'a' and <= 'z')
                && !text.Contains("--") && text[0] != '-' && text[^1] != '-';
            Assert.Equal(portName, KubernetesNames.IsValidPortName(text));
        });
    }
}

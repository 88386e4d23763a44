using CsCheck;
using K8sComm.Core.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

/// <summary>Properties of Go-style name matching over generated DNS names.</summary>
public class HostnameMatcherPropertyTests
{
    private static readonly Gen<string> Label = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"].Array[1, 12].Select(c => new string(c));
    private static readonly Gen<string[]> Labels = Label.Array[2, 5];

    [Fact]
    public void A_wildcard_stands_for_exactly_one_left_most_label()
    {
        Gen.Select(Labels, Label).Sample((labels, extra) =>
        {
            var host = string.Join('.', labels);
            var pattern = "*." + string.Join('.', labels.Skip(1));
            Assert.True(HostnameMatcher.MatchesPattern(pattern, host));
            Assert.False(HostnameMatcher.MatchesPattern(pattern, extra + "." + host));        // two labels under the wildcard
            Assert.False(HostnameMatcher.MatchesPattern(pattern, string.Join('.', labels.Skip(1)))); // none
        });
    }

    [Fact]
    public void Matching_ignores_case_and_one_trailing_dot()
    {
        Labels.Sample(labels =>
        {
            var host = string.Join('.', labels);
            var facts = new CertificateFacts("CN=x", "CN=ca", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, "",
                [host.ToUpperInvariant()], [], "RSA", 2048, "SHA256withRSA", false, new Lazy<bool>(false));
            Assert.True(HostnameMatcher.Check(facts, host).Matches);
            Assert.True(HostnameMatcher.Check(facts, host + ".").Matches);
        });
    }

    [Fact]
    public void A_name_never_matches_a_san_that_differs_in_any_label()
    {
        Gen.Select(Labels, Gen.Int[0, 4], Label).Sample((labels, index, replacement) =>
        {
            var position = index % labels.Length;
            if (labels[position] == replacement)
                return;
            var other = labels.ToArray();
            other[position] = replacement;
            Assert.False(HostnameMatcher.MatchesPattern(string.Join('.', other), string.Join('.', labels)));
        });
    }

    [Fact]
    public void Ip_literals_match_only_equal_ip_sans()
    {
        Gen.Select(Gen.Byte.Array[4], Gen.Byte.Array[4]).Sample((a, b) =>
        {
            var first = string.Join('.', a);
            var second = string.Join('.', b);
            var facts = new CertificateFacts("CN=x", "CN=ca", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, "",
                [first], [first], "RSA", 2048, "SHA256withRSA", false, new Lazy<bool>(false));
            Assert.True(HostnameMatcher.Check(facts, first).Matches);
            Assert.Equal(first == second, HostnameMatcher.Check(facts, second).Matches);
        });
    }
}

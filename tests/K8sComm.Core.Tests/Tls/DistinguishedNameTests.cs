using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using K8sComm.Core.Tls;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

/// <summary>
/// Our managed printing of a distinguished name against .NET's own <see cref="X500DistinguishedName.Name"/>,
/// which users compare our output with (and which the module printed before).
/// </summary>
public class DistinguishedNameTests
{
    private const string CommonName = "2.5.4.3";
    private const string Organization = "2.5.4.10";
    private const string OrganizationalUnit = "2.5.4.11";
    private const string Email = "1.2.840.113549.1.9.1";
    private const string DomainComponent = "0.9.2342.19200300.100.1.25";

    // Every character .NET treats specially when printing, whitespace at either end, non-ASCII.
    private static readonly string[] Values =
    [
        "kube-apiserver", "system:masters", "", " ", " leading", "trailing ", "in side", "a,b", "a+b", "a=b",
        "say \"hi\"", "\"", "back\\slash", "<tag>", "#hash", "semi;colon", "new\nline", "cr\rlf", "\ttab", "tab\t",
        "\vvertical", "form\f", "\u00a0no-break", "한국어 이름", "Ünïcödé", "emoji 😀", "a,b+c=d\"e<f>g#h;i",
    ];

    public static TheoryData<string> SpecialValues() => new(Values);

    [Theory]
    [MemberData(nameof(SpecialValues))]
    public void A_value_prints_as_dotnet_prints_it_in_every_string_type_that_holds_it(string value)
    {
        foreach (var type in new[] { UniversalTagNumber.UTF8String, UniversalTagNumber.BMPString, UniversalTagNumber.T61String,
                     UniversalTagNumber.PrintableString, UniversalTagNumber.IA5String })
        {
            if (Encode([[(CommonName, type, value)]]) is { } der)
                AssertPrintsLikeDotNet(der);
        }
    }

    [Fact]
    public void Names_built_by_dotnet_print_alike()
    {
        foreach (var value in Values.Where(v => v.Length > 0))
        {
            var builder = new X500DistinguishedNameBuilder();
            builder.AddDomainComponent("cluster");
            builder.AddDomainComponent("local");
            builder.AddCountryOrRegion("KR");
            builder.AddStateOrProvinceName(value);
            builder.AddLocalityName(value);
            builder.AddOrganizationName(value);
            builder.AddOrganizationalUnitName(value);
            builder.AddEmailAddress("admin@example.test");
            builder.Add("2.5.4.5", "0042");
            builder.Add("2.5.4.9", value);
            builder.Add("2.5.4.17", "04524");
            builder.AddCommonName(value);
            AssertPrintsLikeDotNet(builder.Build().RawData);
        }
    }

    [Fact]
    public void Multi_valued_rdns_print_their_values_in_encoded_order()
    {
        AssertPrintsLikeDotNet(Encode([[(CommonName, UniversalTagNumber.UTF8String, "node-1"), (Organization, UniversalTagNumber.UTF8String, "system:nodes")]])!);
        // Not in DER order: .NET accepts it and prints it as encoded.
        AssertPrintsLikeDotNet(Encode([
            [(OrganizationalUnit, UniversalTagNumber.UTF8String, "b+b"), (CommonName, UniversalTagNumber.PrintableString, "a")],
            [(DomainComponent, UniversalTagNumber.IA5String, "test"), (Email, UniversalTagNumber.IA5String, "x@y.test"), (Organization, UniversalTagNumber.BMPString, " o ")],
        ])!);
    }

    [Fact]
    public void Every_attribute_name_in_dotnets_table_prints_alike()
    {
        string[] oids = ["2.5.4.3", "2.5.4.4", "2.5.4.5", "2.5.4.6", "2.5.4.7", "2.5.4.8", "2.5.4.9", "2.5.4.10", "2.5.4.11",
            "2.5.4.12", "2.5.4.13", "2.5.4.17", "2.5.4.18", "2.5.4.20", "2.5.4.24", "2.5.4.42", "2.5.4.43", "2.5.4.46",
            Email, DomainComponent];
        AssertPrintsLikeDotNet(Encode(oids.Select(oid => new[] { (oid, UniversalTagNumber.UTF8String, "v") }).ToArray())!);
    }

    [Fact]
    public void A_trailing_nul_is_dropped_and_an_empty_name_is_empty()
    {
        AssertPrintsLikeDotNet(Encode([[(CommonName, UniversalTagNumber.UTF8String, "nul\0\0")]])!);
        AssertPrintsLikeDotNet(Encode([])!);
        Assert.Equal("", DistinguishedName.TryFormat(Encode([])!));
    }

    [Fact]
    public void Attributes_and_values_outside_dotnets_own_rules_are_printed_by_the_platform()
    {
        // 2.5.4.15 businessCategory and 2.5.4.97 organizationIdentifier are named by OpenSSL on Linux; 1.2.3.4 by no one.
        foreach (var oid in new[] { "2.5.4.15", "2.5.4.97", "1.3.6.1.4.1.311.60.2.1.3", "1.2.3.4" })
        {
            var der = Encode([[(CommonName, UniversalTagNumber.UTF8String, "x")], [(oid, UniversalTagNumber.UTF8String, "y")]])!;
            Assert.Null(DistinguishedName.TryFormat(der));
            Assert.Equal(new X500DistinguishedName(der).Name, DistinguishedName.Format(der));
        }

        // A VisibleString value: .NET declines to print the name at all.
        var visible = Encode([[(CommonName, UniversalTagNumber.VisibleString, "visible")]])!;
        Assert.Null(DistinguishedName.TryFormat(visible));
        Assert.Equal(new X500DistinguishedName(visible).Name, DistinguishedName.Format(visible));
    }

    [Fact]
    public void Generated_names_print_alike()
    {
        var character = Gen.OneOf(Gen.Char[",+=\"\\<>#; \t\n\r\v\f\0"], Gen.Char['a', 'z'], Gen.Char['가', '힣'], Gen.Char);
        var value = character.Array[0, 8].Select(c => new string(c));
        string[] oids = [CommonName, Organization, OrganizationalUnit, DomainComponent, "2.5.4.6"];
        UniversalTagNumber[] types = [UniversalTagNumber.UTF8String, UniversalTagNumber.BMPString];
        var attribute = Gen.Select(Gen.Int[0, oids.Length - 1].Select(i => oids[i]), Gen.Int[0, types.Length - 1].Select(i => types[i]), value);
        attribute.Array[1, 3].Array[0, 5].Sample(rdns =>
        {
            if (Encode(rdns) is { } der)
                AssertPrintsLikeDotNet(der);
        }, iter: 2000);
    }

    private static void AssertPrintsLikeDotNet(byte[] der)
    {
        var expected = new X500DistinguishedName(der).Name;
        Assert.Equal(expected, DistinguishedName.TryFormat(der));

        // What CertificateReader hands over: BouncyCastle's parse of the same name, encoded again.
        var name = X509Name.GetInstance(Asn1Object.FromByteArray(der));
        Assert.Equal(new X500DistinguishedName(name.GetEncoded()).Name, CertificateReader.FormatName(name));
    }

    /// <summary>RDNs of (type, string type, value), least specific first as encoded; null when the value can't
    /// be written in that string type (or as a lone surrogate).</summary>
    private static byte[]? Encode((string Oid, UniversalTagNumber Type, string Value)[][] rdns)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        try
        {
            using (writer.PushSequence())
            {
                foreach (var rdn in rdns)
                {
                    // BER: keep the values in the order given (DER would sort them).
                    using (writer.PushSetOf())
                    {
                        foreach (var (oid, type, value) in rdn)
                        {
                            using (writer.PushSequence())
                            {
                                writer.WriteObjectIdentifier(oid);
                                writer.WriteCharacterString(type, value);
                            }
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is System.Text.EncoderFallbackException or ArgumentException)
        {
            return null;
        }
        return writer.Encode();
    }
}

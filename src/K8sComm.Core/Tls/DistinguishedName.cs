using System.Buffers;
using System.Formats.Asn1;
using X500DistinguishedName = System.Security.Cryptography.X509Certificates.X500DistinguishedName;

namespace K8sComm.Core.Tls;

/// <summary>
/// Prints a DER distinguished name exactly as <see cref="X500DistinguishedName.Name"/> does, without
/// the platform's crypto library: its first use in a process loads and initialises OpenSSL (tens of
/// milliseconds), which a first <c>Get-ApiServerEndpoint</c> would otherwise pay only to print names.
/// </summary>
/// <remarks>
/// The rules are .NET's (X500NameEncoder, managed decode): most specific RDN first, ", " between RDNs,
/// " + " between the values of a multi-valued RDN in their encoded order, the value in double quotes
/// (inner quotes doubled) when it is empty, starts or ends with whitespace, or holds one of
/// <c>, + = " \n &lt; &gt; # ;</c>. Attribute names come from .NET's built-in OID table; an attribute
/// outside it is named by the platform (OpenSSL's long name on Linux), and so is any value .NET would
/// not decode, so those rare names are handed to the platform whole rather than guessed.
/// </remarks>
public static class DistinguishedName
{
    /// <summary>The name as <c>new X500DistinguishedName(der).Name</c> prints it.</summary>
    public static string Format(byte[] der) => TryFormat(der) ?? new X500DistinguishedName(der).Name;

    /// <summary>The attribute names .NET gives without asking the platform (its OidLookup table).</summary>
    private static readonly Dictionary<string, string> AttributeNames = new()
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.4"] = "SN",
        ["2.5.4.5"] = "SERIALNUMBER",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "S",
        ["2.5.4.9"] = "STREET",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.12"] = "T",
        ["2.5.4.13"] = "Description",
        ["2.5.4.17"] = "PostalCode",
        ["2.5.4.18"] = "POBox",
        ["2.5.4.20"] = "Phone",
        ["2.5.4.24"] = "X21Address",
        ["2.5.4.42"] = "G",
        ["2.5.4.43"] = "I",
        ["2.5.4.46"] = "dnQualifier",
        ["1.2.840.113549.1.9.1"] = "E",
        ["0.9.2342.19200300.100.1.25"] = "DC",
    };

    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",+=\"\n<>#;");

    /// <summary>Null when the platform has to print it: an attribute outside the table, a value type .NET
    /// does not decode, or an encoding it rejects.</summary>
    internal static string? TryFormat(byte[] der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();

            var rdns = new List<AsnReader>();
            while (sequence.HasData)
            {
                // .NET accepts a multi-valued RDN whose values are not in DER order, and prints them as encoded.
                rdns.Add(sequence.ReadSetOf(skipSortOrderValidation: true));
            }

            var text = new System.Text.StringBuilder();
            for (var i = rdns.Count - 1; i >= 0; i--)
            {
                if (i < rdns.Count - 1) text.Append(", ");
                for (var first = true; rdns[i].HasData; first = false)
                {
                    var attribute = rdns[i].ReadSequence();
                    if (!AttributeNames.TryGetValue(attribute.ReadObjectIdentifier(), out var name) ||
                        ReadValue(attribute) is not { } value)
                    {
                        return null;
                    }

                    attribute.ThrowIfNotEmpty();
                    if (!first) text.Append(" + ");
                    text.Append(name).Append('=');
                    AppendValue(text, value);
                }
            }
            return text.ToString();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The string types .NET reads in a name, with a trailing NUL dropped as it does.</summary>
    private static string? ReadValue(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        if (tag.TagClass != TagClass.Universal)
            return null;

        return (UniversalTagNumber)tag.TagValue is UniversalTagNumber.BMPString or UniversalTagNumber.IA5String
            or UniversalTagNumber.NumericString or UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String
            or UniversalTagNumber.T61String
            ? attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue).TrimEnd('\0')
            : null;
    }

    private static void AppendValue(System.Text.StringBuilder text, string value)
    {
        var quote = value.Length == 0 || IsQuotableWhitespace(value[0]) || IsQuotableWhitespace(value[^1]) ||
                    value.AsSpan().ContainsAny(NeedsQuotes);
        if (quote)
            text.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
        else
            text.Append(value);
    }

    // Space, tab, line feed, vertical tab, form feed, carriage return: what Windows (and so .NET) quotes.
    private static bool IsQuotableWhitespace(char c) => c == ' ' || c is >= '\t' and <= '\r';
}

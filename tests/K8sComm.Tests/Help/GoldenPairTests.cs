using Xunit;
using System.Text;
using K8sComm.HelpBuilder;

namespace K8sComm.Tests.Help;

/// <summary>Our MAML from PlatyPS's own reference markdown must be exactly what PlatyPS wrote.</summary>
public class GoldenPairTests
{
    [Theory]
    [InlineData("en-US")]
    [InlineData("ko-KR")]
    public void Maml_built_from_the_reference_markdown_equals_PlatyPS_output_byte_for_byte(string culture)
    {
        var expected = File.ReadAllBytes(HelpPaths.Fixture(culture, "Contoso.Demo.dll-Help.xml"));

        var actual = ExternalHelpBuilder.BuildBytes(HelpPaths.Fixture("docs", culture));

        if (!actual.AsSpan().SequenceEqual(expected))
        {
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual)); // shows where
            Assert.Equal(expected, actual); // BOM or other invisible bytes
        }
    }

    [Fact]
    public void Maml_file_starts_with_a_byte_order_mark_and_has_no_trailing_newline()
    {
        var bytes = ExternalHelpBuilder.BuildBytes(HelpPaths.Fixture("docs", "en-US"));

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal((byte)'>', bytes[^1]);
        Assert.DoesNotContain((byte)'\r', bytes);
    }
}

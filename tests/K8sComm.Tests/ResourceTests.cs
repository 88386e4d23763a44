using System.Xml.Linq;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>Every message a user can get exists in both cultures: an error and what to do about it for
/// every failure reason, a sentence for every finding id, and no key in one culture only.</summary>
public sealed class ResourceTests
{
    private static readonly string Resources = Path.Combine(Repo.Root, "src", "K8sComm", "Resources");

    [Fact]
    public void Both_cultures_have_the_same_keys()
    {
        var english = Keys("Strings.resx");
        var korean = Keys("Strings.ko-KR.resx");

        Assert.Empty(english.Except(korean));
        Assert.Empty(korean.Except(english));
    }

    [Theory]
    [InlineData("Strings.resx")]
    [InlineData("Strings.ko-KR.resx")]
    public void No_key_is_defined_twice(string file)
    {
        // The resource compiler keeps one of two silently; which one a user reads would be chance.
        var twice = XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data")
            .GroupBy(data => (string)data.Attribute("name")!)
            .Where(group => group.Count() > 1)
            .Select(group => group.Key);

        Assert.Empty(twice);
    }

    [Theory]
    [InlineData("Strings.resx")]
    [InlineData("Strings.ko-KR.resx")]
    public void Every_failure_reason_has_a_message_and_an_action(string file)
    {
        var keys = Keys(file);
        var missing = CoreNames("$core.GetType('K8sComm.Core.FailureReason', $true).GetEnumNames()")
            .SelectMany(reason => new[] { "Error_" + reason, "Action_" + reason })
            .Where(key => !keys.Contains(key))
            .ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("Strings.resx")]
    [InlineData("Strings.ko-KR.resx")]
    public void Every_finding_id_has_a_message(string file)
    {
        var keys = Keys(file);
        var missing = CoreNames("""
                $core.GetType('K8sComm.Core.Discovery.FindingIds', $true).GetFields() |
                    Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
                """)
            .Select(id => "Finding_" + id)
            .Where(key => !keys.Contains(key))
            .ToList();

        Assert.Empty(missing);
    }

    private static HashSet<string> Keys(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data")
            .Select(data => (string)data.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);

    // The core lives in the module's own load context; ask it there, as the module sees it.
    private static IReadOnlyList<string> CoreNames(string script)
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke(
            "$core = [K8sComm.Loading.ModuleInitializer]::DependencyContext.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('K8sComm.Core'))\n" + script);
        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Output);
        return result.Output.Select(o => o.ToString()).ToList();
    }
}

using System.Text.Json.Nodes;
using K8sComm.Sandbox.ApiServer;
using Xunit;

namespace K8sComm.Sandbox.Tests;

public sealed class LabelSelectorTests
{
    private static readonly JsonObject Item = JsonNode.Parse("""
        {"metadata":{"name":"x","labels":{"app":"web","tier":"front","kubernetes.io/cluster-service":"true"}}}
        """)!.AsObject();

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=x", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("missing notin (db)", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("app=web, tier in (front,back), kubernetes.io/cluster-service=true", true)]
    public void Matches(string selector, bool expected) => Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Item));

    [Theory]
    [InlineData("app in (a,")]
    [InlineData("app=we b")]
    [InlineData(",")]
    [InlineData("app=web,")]
    [InlineData("=web")]
    [InlineData("app in a")]
    public void RejectsMalformedSelectors(string selector) =>
        Assert.StartsWith("unable to parse requirement", Assert.Throws<FormatException>(() => LabelSelector.Parse(selector)).Message);
}

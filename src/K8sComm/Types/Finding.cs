using System.Globalization;
using K8sComm.Resources;
using Discovery = K8sComm.Core.Discovery;

namespace K8sComm;

/// <summary>Something about an endpoint worth knowing: a stable id to gate on, a severity, a sentence.</summary>
public sealed class Finding
{
    public string Id { get; init; } = "";
    public FindingSeverity Severity { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{Severity}: {Id}";

    /// <summary>A severity as the user's language says it (High, 높음).</summary>
    public static string SeverityText(FindingSeverity severity) =>
        Strings.ResourceManager.GetString("Severity_" + severity, Strings.Culture) ?? severity.ToString();

    internal static Finding From(Discovery.Finding finding) => new()
    {
        Id = finding.Id,
        Severity = Enums.Convert<Discovery.FindingSeverity, FindingSeverity>(finding.Severity),
        Message = Localized(finding),
    };

    // The message in the user's language when we have one; the core's English otherwise.
    private static string Localized(Discovery.Finding finding)
    {
        string? template = Strings.ResourceManager.GetString("Finding_" + finding.Id, Strings.Culture);
        if (template is null) return Display.Text(finding.Message);
        try
        {
            // Arguments are names, paths and server sentences: made safe to show before they go in.
            return string.Format(CultureInfo.CurrentCulture, template, (finding.Arguments ?? []).Select(a => (object)Display.Text(a)).ToArray());
        }
        catch (FormatException)
        {
            return Display.Text(finding.Message);
        }
    }
}

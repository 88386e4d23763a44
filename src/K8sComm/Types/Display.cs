using System.Collections;
using K8sComm.Core.Text;

namespace K8sComm;

/// <summary>
/// Text from kubeconfigs, certificates and servers, made safe for a terminal: control characters and
/// ANSI escapes are shown as visible stand-ins (ESC as ␛). Objects keep the raw values; the format views
/// call <c>[K8sComm.Display]::Text(...)</c>, and messages and <c>ToString()</c> go through it too.
/// </summary>
public static class Display
{
    /// <summary>The value as text with every control character made visible; empty for null.</summary>
    public static string Text(object? value) => DisplayText.Escape(value switch
    {
        null => null,
        string text => text,
        IEnumerable items => string.Join(", ", items.Cast<object?>()),
        _ => value.ToString(),
    });
}

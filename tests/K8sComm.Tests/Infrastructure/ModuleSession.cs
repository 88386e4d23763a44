using System.Globalization;
using K8sComm.Shell;

namespace K8sComm.Tests.Infrastructure;

/// <summary>A fresh engine with K8sComm imported by its manifest, as a user's session would have it.</summary>
internal static class ModuleSession
{
    internal static EngineSession Start(string culture = "en-US")
    {
        var session = new EngineSession(CultureInfo.GetCultureInfo(culture));
        var import = session.ImportModule();
        if (import.Errors.Count > 0)
        {
            session.Dispose();
            throw new InvalidOperationException("Import-Module failed: " + import.Errors[0]);
        }
        return session;
    }

    internal static Dictionary<string, object?> Vars(params (string Name, object? Value)[] values)
        => values.ToDictionary(v => v.Name, v => v.Value);
}

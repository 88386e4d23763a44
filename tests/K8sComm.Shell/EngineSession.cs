using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Text;

namespace K8sComm.Shell;

/// <summary>Everything a script wrote, stream by stream.</summary>
public sealed record ScriptResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<VerboseRecord> Verbose,
    IReadOnlyList<DebugRecord> Debug,
    IReadOnlyList<InformationRecord> Information,
    string HostText,
    bool Stopped = false)
{
    /// <summary>Every stream as text: what a secret must never appear in.</summary>
    public string AllText()
    {
        var text = new StringBuilder(HostText);
        foreach (var item in Output) text.AppendLine(Describe(item));
        foreach (var error in Errors)
        {
            text.AppendLine(error.ToString()).AppendLine(error.FullyQualifiedErrorId)
                .AppendLine(error.ErrorDetails?.Message).AppendLine(error.ErrorDetails?.RecommendedAction)
                .AppendLine(error.Exception?.ToString()).AppendLine(error.TargetObject?.ToString());
        }
        foreach (var record in Warnings) text.AppendLine(record.Message);
        foreach (var record in Verbose) text.AppendLine(record.Message);
        foreach (var record in Debug) text.AppendLine(record.Message);
        foreach (var record in Information) text.AppendLine(record.MessageData?.ToString());
        return text.ToString();
    }

    private static string Describe(PSObject item)
    {
        var text = new StringBuilder(item.ToString()).AppendLine();
        foreach (var property in item.Properties)
        {
            object? value;
            try { value = property.Value; } catch (Exception ex) { value = ex.Message; }
            text.Append(property.Name).Append('=').AppendLine(value is PSObject nested ? nested.ToString() : value?.ToString());
        }
        return text.ToString();
    }
}

/// <summary>
/// One PowerShell engine, hosted in this process as pwsh would host it: default session state, a text
/// host for format views, scripts run on the calling thread so the UI culture applies.
/// </summary>
public sealed class EngineSession : IDisposable
{
    private readonly Runspace _runspace;
    private readonly StringWriter _hostText = new();
    private readonly CultureInfo _culture;

    public EngineSession(CultureInfo? uiCulture = null)
    {
        _culture = uiCulture ?? CultureInfo.GetCultureInfo("en-US");
        _runspace = RunspaceFactory.CreateRunspace(new TextHost(_hostText, _culture), InitialSessionState.CreateDefault2());
        _runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
        _runspace.Open();
    }

    /// <summary>The manifest of the module folder this build laid out.</summary>
    public static string ModuleManifest { get; } = typeof(EngineSession).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModuleManifest").Value!;

    /// <summary>Runs a script; <paramref name="variables"/> are set first, so values need no quoting.</summary>
    public ScriptResult Invoke(string script, IReadOnlyDictionary<string, object?>? variables = null)
        => Invoke(script, variables, stopAfter: null);

    /// <summary>Runs a script and presses Ctrl+C (PowerShell.Stop) after <paramref name="stopAfter"/>.</summary>
    public ScriptResult InvokeAndStop(string script, TimeSpan stopAfter, IReadOnlyDictionary<string, object?>? variables = null)
        => Invoke(script, variables, stopAfter);

    private ScriptResult Invoke(string script, IReadOnlyDictionary<string, object?>? variables, TimeSpan? stopAfter)
    {
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            _runspace.SessionStateProxy.SetVariable(name, value);
        }

        var (savedCulture, savedUiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = _culture;
        int hostStart = _hostText.GetStringBuilder().Length;
        try
        {
            using var shell = PowerShell.Create(_runspace);
            shell.AddScript(script);
            using var stopper = stopAfter is { } delay
                ? new Timer(_ => shell.BeginStop(null, null), null, delay, Timeout.InfiniteTimeSpan)
                : null;
            Collection<PSObject> output;
            try
            {
                output = shell.Invoke();
            }
            catch (RuntimeException ex)
            {
                // A terminating error: report it like the engine would, after what was written.
                output = new Collection<PSObject>();
                shell.Streams.Error.Add(ex.ErrorRecord);
            }
            return new ScriptResult(
                output.Where(o => o is not null).ToList(),
                shell.Streams.Error.ToList(),
                shell.Streams.Warning.ToList(),
                shell.Streams.Verbose.ToList(),
                shell.Streams.Debug.ToList(),
                shell.Streams.Information.ToList(),
                _hostText.GetStringBuilder().ToString(hostStart, _hostText.GetStringBuilder().Length - hostStart),
                shell.InvocationStateInfo.State == PSInvocationState.Stopped);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (savedCulture, savedUiCulture);
        }
    }

    /// <summary>Imports the built module by its manifest, as a user would.</summary>
    public ScriptResult ImportModule() => Invoke("Import-Module -Name $ModuleManifest -ErrorAction Stop",
        new Dictionary<string, object?> { ["ModuleManifest"] = ModuleManifest });

    public void Dispose() => _runspace.Dispose();
}

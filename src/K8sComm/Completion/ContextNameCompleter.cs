using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using K8sComm.Core.Discovery;

namespace K8sComm.Completion;

/// <summary>
/// Tab completion for -Context: the context names of the kubeconfig the command would read (the
/// -KubeconfigContent or -Kubeconfig already typed, else KUBECONFIG, else ~/.kube/config). Completion must never throw at
/// the user, so an unreadable kubeconfig simply completes nothing.
/// </summary>
public sealed class ContextNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        IReadOnlyList<string> names;
        try
        {
            var paths = fakeBoundParameters["Kubeconfig"] switch
            {
                string one => [one],
                object[] many => many.Select(p => p.ToString()!).ToArray(),
                _ => (string[]?)null,
            };
            var session = SessionPath();
            var here = session.CurrentFileSystemLocation.ProviderPath;
            if (fakeBoundParameters["KubeconfigContent"] is string content)
            {
                names = KubeconfigLoader.Parse(Path.Combine(here, EndpointDiscovery.ContentFileName), content).ContextNames;
            }
            else
            {
                var location = KubeconfigLocator.Locate(paths?.Select(session.GetUnresolvedProviderPathFromPSPath).ToArray(), here);
                names = location.IsEmpty ? [] : KubeconfigLoader.Load(location).ContextNames;
            }
        }
        catch (Exception)
        {
            return [];
        }

        return Complete(names, prefix);
    }

    private static IEnumerable<CompletionResult> Complete(IReadOnlyList<string> names, string prefix)
    {
        foreach (string name in names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            string text = name.Any(c => char.IsWhiteSpace(c) || "'\"`$(){};,&|@#".Contains(c))
                ? "'" + name.Replace("'", "''") + "'"
                : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
        }
    }

    // Paths as the command itself will resolve them: against pwsh's location, with ~ and PS drives. A
    // completer runs inside the session being typed in, so a nested pipeline there can ask its session state.
    private static PathIntrinsics SessionPath()
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        return (PathIntrinsics)shell.AddScript("$ExecutionContext.SessionState.Path").Invoke()[0].BaseObject;
    }
}

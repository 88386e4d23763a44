using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using K8sComm.Core.Discovery;

namespace K8sComm.Completion;

/// <summary>
/// Tab completion for -Context: the context names of the kubeconfig the command would read (the
/// -Kubeconfig already typed, else KUBECONFIG, else ~/.kube/config). Completion must never throw at
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
            var location = KubeconfigLocator.Locate(paths?.Select(ExpandHome).ToArray());
            names = location.IsEmpty ? [] : KubeconfigLoader.Load(location).ContextNames;
        }
        catch (Exception)
        {
            yield break;
        }

        foreach (string name in names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            string text = name.Any(c => char.IsWhiteSpace(c) || "'\"`$(){};,&|@#".Contains(c))
                ? "'" + name.Replace("'", "''") + "'"
                : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
        }
    }

    private static string ExpandHome(string path) =>
        path.StartsWith('~') ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..] : path;
}

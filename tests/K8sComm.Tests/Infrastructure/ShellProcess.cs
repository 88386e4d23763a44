using System.Diagnostics;

namespace K8sComm.Tests.Infrastructure;

/// <summary>Runs a script in K8sComm.Shell in a process of its own: a clean default load context.</summary>
internal static class ShellProcess
{
    internal sealed record Outcome(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>The shell in its own output folder (same configuration), with its own deps.json.</summary>
    private static string ShellAssembly
    {
        get
        {
            string testsProject = Path.Combine(Repo.Root, "tests", "K8sComm.Tests");
            string binPath = Path.GetRelativePath(testsProject, AppContext.BaseDirectory);
            return Path.Combine(Repo.Root, "tests", "K8sComm.Shell", binPath, "K8sComm.Shell.dll");
        }
    }

    /// <summary>Runs a script: `K8sComm.Shell run file.ps1`.</summary>
    internal static async Task<Outcome> RunAsync(string script, TimeSpan timeout)
    {
        string scriptPath = Path.Combine(Path.GetTempPath(), $"k8scomm-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(scriptPath, script);
        try
        {
            return await RunShellAsync(["run", scriptPath], timeout);
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }

    /// <summary>Runs the shell with any arguments, e.g. `try`.</summary>
    internal static async Task<Outcome> RunShellAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(ShellAssembly);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        var result = await ChildProcess.RunAsync(start, timeout);
        return result.TimedOut
            ? throw new TimeoutException($"K8sComm.Shell did not finish within {timeout}.")
            : new Outcome(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}

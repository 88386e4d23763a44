using System.Diagnostics;

namespace K8sComm.Tests.Infrastructure;

/// <summary>
/// The real pwsh (the repository's local tool, <c>dotnet pwsh</c>) in a fresh process per script, with
/// K8sComm imported: what only a real shell shows (Format-Table at 80 columns, Export-Csv, a crash that
/// kills the process). Each run has a memory cap (a GC heap limit) and a time limit.
/// </summary>
internal static class RealPwsh
{
    internal sealed record Outcome(bool TimedOut, int ExitCode, string StandardOutput, string StandardError)
    {
        public string AllText => StandardOutput + "\n" + StandardError;
    }

    /// <summary>The heap a run may use: a file that fills memory ends in our error, not in a machine that swaps.</summary>
    internal const long HeapLimitBytes = 512L * 1024 * 1024;

    private static readonly Lazy<string?> MissingReasonLazy = new(Probe);

    /// <summary>Why real pwsh can't run here (the local tool is not restored), or null when it can.</summary>
    internal static string? MissingReason => MissingReasonLazy.Value;

    /// <summary>Runs <paramref name="script"/> after importing the built module; variables come in through
    /// the environment (K8SCOMM_TEST_*), so no value needs quoting.</summary>
    internal static async Task<Outcome> RunAsync(string script, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"k8scomm-pwsh-{Guid.NewGuid():N}.ps1");
        await File.WriteAllTextAsync(path, $"""
            $ErrorActionPreference = 'Continue'
            # Plain text: any escape character in the output is then one that came from the data.
            $PSStyle.OutputRendering = 'PlainText'
            Import-Module '{Repo.ModuleManifest.Replace("'", "''")}' -ErrorAction Stop
            {script}
            """);
        try
        {
            return await StartAsync(["-NoProfile", "-NonInteractive", "-File", path], timeout, environment);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<Outcome> StartAsync(IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment)
    {
        // The tool manifest is found from the working directory.
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Repo.Root };
        start.ArgumentList.Add("pwsh");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_GCHeapHardLimit"] = $"0x{HeapLimitBytes:X}";
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        // Nothing from the caller's shell decides what these runs find.
        foreach (var name in new[] { "KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE", "HTTPS_PROXY", "https_proxy" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var result = await ChildProcess.RunAsync(start, timeout);
        return new Outcome(result.TimedOut, result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private static string? Probe()
    {
        try
        {
            var outcome = StartAsync(["-NoProfile", "-NonInteractive", "-Command", "'ok'"], TimeSpan.FromSeconds(60), null)
                .GetAwaiter().GetResult();
            return outcome is { TimedOut: false, ExitCode: 0 } && outcome.StandardOutput.Contains("ok")
                ? null
                : "real pwsh is not available (run `dotnet tool restore`): " + outcome.StandardError.Trim();
        }
        catch (Exception e)
        {
            return "real pwsh is not available (run `dotnet tool restore`): " + e.Message;
        }
    }
}

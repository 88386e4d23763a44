using System.Diagnostics;

namespace K8sComm.Tests.Infrastructure;

/// <summary>Runs a process to its end within a time limit, collecting both streams; past the limit the
/// whole process tree is killed, so no test leaves one behind.</summary>
internal static class ChildProcess
{
    internal sealed record Result(bool TimedOut, int ExitCode, string StandardOutput, string StandardError);

    internal static async Task<Result> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new Result(true, -1, await stdout, await stderr);
        }
        return new Result(false, process.ExitCode, await stdout, await stderr);
    }
}

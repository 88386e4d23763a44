namespace K8sComm.Shell;

/// <summary>The README's quick start, run against a sandbox cluster: what a user would see.</summary>
internal static class QuickStart
{
    internal static Task<int> RunAsync(string[] args, TextWriter output)
    {
        output.WriteLine("The sandbox is not wired in yet.");
        return Task.FromResult(1);
    }
}

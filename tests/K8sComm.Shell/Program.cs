using K8sComm.Shell;

// dotnet run --project tests/K8sComm.Shell -- run <script.ps1>   a script in a fresh engine
// dotnet run --project tests/K8sComm.Shell -- try [--posture Secure|Insecure]   the quick start, on a sandbox
return args switch
{
    ["run", var script] => RunScript(script),
    ["try", .. var rest] => await QuickStart.RunAsync(rest, Console.Out),
    _ => Usage(),
};

static int RunScript(string path)
{
    using var session = new EngineSession();
    // The script finds the built module in $ModuleManifest and imports it when it chooses to.
    var result = session.Invoke("& $ScriptPath | Out-Default", new Dictionary<string, object?>
    {
        ["ScriptPath"] = Path.GetFullPath(path),
        ["ModuleManifest"] = EngineSession.ModuleManifest,
    });
    return Report(result);
}

static int Report(ScriptResult result)
{
    Console.Out.Write(result.HostText);
    foreach (var error in result.Errors)
    {
        Console.Error.WriteLine($"{error.FullyQualifiedErrorId}: {error}");
    }
    return result.Errors.Count == 0 ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: K8sComm.Shell run <script.ps1> | try [--posture Secure|Insecure]");
    return 2;
}

namespace K8sComm.HelpBuilder;

/// <summary>
/// The command line: <c>[--check] &lt;docs-culture-dir&gt; &lt;output-xml&gt;</c>. Writes the MAML, or with
/// --check compares it with the file on disk and fails (exit 1) when they differ.
/// </summary>
public static class HelpBuilderCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var check = args.Contains("--check");
        var paths = args.Where(a => a != "--check").ToArray();
        if (paths.Length != 2 || paths.Any(p => p.StartsWith("--", StringComparison.Ordinal)))
        {
            stderr.WriteLine("usage: K8sComm.HelpBuilder [--check] <docs-culture-dir> <output-xml>");
            stderr.WriteLine("  e.g. dotnet run --project src/K8sComm.HelpBuilder -- docs/en-US en-US/K8sComm.dll-Help.xml");
            return 2;
        }

        var (source, output) = (paths[0], paths[1]);
        byte[] maml;
        try
        {
            maml = ExternalHelpBuilder.BuildBytes(source);
        }
        catch (Exception e) when (e is HelpSchemaException or IOException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }

        if (check)
        {
            if (File.Exists(output) && File.ReadAllBytes(output).AsSpan().SequenceEqual(maml))
            {
                stdout.WriteLine($"up to date: {output}");
                return 0;
            }

            stderr.WriteLine($"differs: {output} is not what {source} builds; regenerate it with:");
            stderr.WriteLine($"  dotnet run --project src/K8sComm.HelpBuilder -- {source} {output}");
            return 1;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(output, maml);
        stdout.WriteLine($"wrote {output}");
        return 0;
    }
}

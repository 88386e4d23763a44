using K8sComm.HelpBuilder;

// dotnet run --project src/K8sComm.HelpBuilder -- [--check] <docs-culture-dir> <output-xml>
var check = args.Contains("--check");
var paths = args.Where(a => a != "--check").ToArray();
if (paths.Length != 2)
{
    Console.Error.WriteLine("usage: K8sComm.HelpBuilder [--check] <docs-culture-dir> <output-xml>");
    Console.Error.WriteLine("  e.g. K8sComm.HelpBuilder docs/en-US en-US/K8sComm.dll-Help.xml");
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
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

if (check)
{
    if (File.Exists(output) && File.ReadAllBytes(output).AsSpan().SequenceEqual(maml))
    {
        Console.WriteLine($"up to date: {output}");
        return 0;
    }

    Console.Error.WriteLine($"differs: {output} is not what {source} builds; regenerate it with:");
    Console.Error.WriteLine($"  dotnet run --project src/K8sComm.HelpBuilder -- {source} {output}");
    return 1;
}

var directory = Path.GetDirectoryName(Path.GetFullPath(output));
if (directory is not null)
{
    Directory.CreateDirectory(directory);
}

File.WriteAllBytes(output, maml);
Console.WriteLine($"wrote {output}");
return 0;

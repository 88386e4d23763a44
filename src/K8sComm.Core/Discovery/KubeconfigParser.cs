using YamlDotNet.Core;

namespace K8sComm.Core.Discovery;

/// <summary>The entries of one kubeconfig file, in file order, file references already made absolute.</summary>
internal sealed record KubeconfigFile(
    string Path,
    string? CurrentContext,
    IReadOnlyList<KubeconfigCluster> Clusters,
    IReadOnlyList<KubeconfigUser> Users,
    IReadOnlyList<KubeconfigContext> Contexts);

/// <summary>
/// Reads one kubeconfig file the way kubectl does: unknown fields are ignored, YAML 1.1 booleans are
/// accepted, a name listed twice in one file is an error, and relative file references are resolved
/// against the file's directory. Every structural error names the file and line.
/// We walk the YAML node tree ourselves (not a reflection deserializer) to keep line numbers and to
/// compare names case-sensitively.
/// </summary>
internal static class KubeconfigParser
{
    public static KubeconfigFile Parse(string path, string text)
    {
        var root = LoadRoot(path, text);
        var directory = System.IO.Path.GetDirectoryName(path) ?? "";
        var reader = new NodeReader(path);
        if (root is null)
        {
            return new KubeconfigFile(path, null, [], [], []);
        }

        var top = reader.Mapping(root, "the document");
        return new KubeconfigFile(
            path,
            NullIfEmpty(reader.String(top, "current-context")),
            reader.NamedList(top, "clusters", "cluster", (name, body) => ReadCluster(reader, name, body, path, directory)),
            reader.NamedList(top, "users", "user", (name, body) => ReadUser(reader, name, body, path, directory)),
            reader.NamedList(top, "contexts", "context", (name, body) => ReadContext(reader, name, body, path)));
    }

    private static YamlTreeNode? LoadRoot(string path, string text)
    {
        YamlTreeNode? root;
        try
        {
            root = YamlTree.Load(text);
        }
        catch (YamlException e)
        {
            // Scanner and parser messages describe grammar, not content, so they are safe to repeat.
            throw Malformed(path, ErrorLine(e, text), SafeYamlProblem(e));
        }

        return root is null || NodeReader.IsNull(root) ? null : root;
    }

    /// <summary>YamlDotNet reports a tab indent at the enclosing mapping's line; point at the tab's own line instead.</summary>
    private static int ErrorLine(YamlException e, string text)
    {
        var line = (int)e.End.Line;
        if (!e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            return line;
        }

        var lines = text.Split('\n');
        for (var i = Math.Max(line - 1, 0); i < lines.Length; i++)
        {
            var indent = lines[i].AsSpan()[..(lines[i].Length - lines[i].TrimStart().Length)];
            if (indent.Contains('\t'))
            {
                return i + 1;
            }
        }

        return line;
    }

    private static string SafeYamlProblem(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        var problem = cut >= 0 ? message[(cut + 3)..] : message;
        return e is SyntaxErrorException or SemanticErrorException ? problem : "invalid YAML";
    }

    internal static K8sCommException Malformed(string path, int line, string problem) =>
        new(FailureReason.KubeconfigMalformed,
            $"Kubeconfig '{path}' is malformed at line {line}: {problem}",
            path,
            [path, line.ToString(System.Globalization.CultureInfo.InvariantCulture), problem]);

    private static KubeconfigCluster ReadCluster(NodeReader r, string name, YamlTreeMapping? body, string file, string dir) =>
        new(name,
            Server: r.String(body, "server") ?? "",
            CertificateAuthority: Absolute(r.String(body, "certificate-authority"), dir),
            CertificateAuthorityData: NullIfEmpty(r.String(body, "certificate-authority-data")),
            InsecureSkipTlsVerify: r.Boolean(body, "insecure-skip-tls-verify"),
            TlsServerName: NullIfEmpty(r.String(body, "tls-server-name")),
            ProxyUrl: NullIfEmpty(r.String(body, "proxy-url")),
            SourceFile: file);

    private static KubeconfigContext ReadContext(NodeReader r, string name, YamlTreeMapping? body, string file) =>
        new(name,
            Cluster: r.String(body, "cluster") ?? "",
            User: r.String(body, "user") ?? "",
            Namespace: r.String(body, "namespace") ?? "",
            SourceFile: file);

    private static KubeconfigUser ReadUser(NodeReader r, string name, YamlTreeMapping? body, string file, string dir)
    {
        var provider = r.OptionalMapping(body, "auth-provider");
        return new KubeconfigUser
        {
            Name = name,
            SourceFile = file,
            ClientCertificate = Absolute(r.String(body, "client-certificate"), dir),
            ClientCertificateData = NullIfEmpty(r.String(body, "client-certificate-data")),
            ClientKey = Absolute(r.String(body, "client-key"), dir),
            ClientKeyData = NullIfEmpty(r.String(body, "client-key-data")),
            Token = NullIfEmpty(r.String(body, "token")),
            TokenFile = Absolute(r.String(body, "tokenFile"), dir),
            Username = NullIfEmpty(r.String(body, "username")),
            Password = NullIfEmpty(r.String(body, "password")),
            AuthProvider = provider is null ? null : r.String(provider, "name") ?? "",
            Exec = ReadExec(r, r.OptionalMapping(body, "exec"), dir),
        };
    }

    private static KubeconfigExec? ReadExec(NodeReader r, YamlTreeMapping? exec, string dir)
    {
        if (exec is null)
        {
            return null;
        }

        var command = r.String(exec, "command") ?? "";
        // kubectl resolves the command against the file only when it is a path, not a PATH lookup.
        if (command.Contains(System.IO.Path.DirectorySeparatorChar))
        {
            command = Absolute(command, dir)!;
        }

        var env = r.Sequence(exec, "env")
            .Select(item => r.Mapping(item, "an exec env entry"))
            .Select(entry => KeyValuePair.Create(r.String(entry, "name") ?? "", r.String(entry, "value") ?? ""))
            .ToArray();
        return new KubeconfigExec
        {
            Command = command,
            Args = r.StringList(exec, "args"),
            Env = env,
            ApiVersion = NullIfEmpty(r.String(exec, "apiVersion")),
            InstallHint = NullIfEmpty(r.String(exec, "installHint")),
            ProvideClusterInfo = r.Boolean(exec, "provideClusterInfo"),
            InteractiveMode = NullIfEmpty(r.String(exec, "interactiveMode")),
        };
    }

    private static string? Absolute(string? reference, string directory) =>
        string.IsNullOrEmpty(reference) ? null
        : System.IO.Path.IsPathRooted(reference) ? reference
        : System.IO.Path.Combine(directory, reference);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// Typed access to YAML nodes with kubectl's strictness: it resolves plain scalars by YAML 1.1 rules
    /// before decoding, so an unquoted <c>yes</c> or <c>10</c> is not a string and a quoted "true" is
    /// not a boolean. Any shape error becomes KubeconfigMalformed with its line.
    /// </summary>
    private sealed class NodeReader(string path)
    {
        public static bool IsNull(YamlTreeNode node) => node is YamlTreeScalar s && Yaml11.Resolve(s) == Yaml11.Kind.Null;

        public YamlTreeMapping Mapping(YamlTreeNode node, string what) =>
            node as YamlTreeMapping ?? throw Malformed(path, Line(node), $"{what} must be a mapping");

        public YamlTreeMapping? OptionalMapping(YamlTreeMapping? parent, string key)
        {
            var node = Child(parent, key);
            return node is null ? null : Mapping(node, $"'{key}'");
        }

        public IEnumerable<YamlTreeNode> Sequence(YamlTreeMapping? parent, string key)
        {
            var node = Child(parent, key);
            return node switch
            {
                null => [],
                YamlTreeSequence sequence => sequence.Items,
                _ => throw Malformed(path, Line(node), $"'{key}' must be a list"),
            };
        }

        public string? String(YamlTreeMapping? parent, string key)
        {
            var node = Child(parent, key);
            return node is null ? null : StringValue(node, key);
        }

        public IReadOnlyList<string> StringList(YamlTreeMapping? parent, string key) =>
            Sequence(parent, key).Select(item => StringValue(item, key)).ToArray();

        public bool Boolean(YamlTreeMapping? parent, string key)
        {
            var node = Child(parent, key);
            return node switch
            {
                null => false,
                YamlTreeScalar scalar when Yaml11.Resolve(scalar) == Yaml11.Kind.Boolean => Yaml11.IsTrue(scalar.Value),
                _ => throw Malformed(path, Line(node), $"'{key}' must be true or false (unquoted)"),
            };
        }

        /// <summary>Reads a list of <c>{name: ..., KEY: {...}}</c> entries, rejecting a name listed twice as kubectl does.</summary>
        public IReadOnlyList<T> NamedList<T>(YamlTreeMapping top, string listKey, string bodyKey, Func<string, YamlTreeMapping?, T> read)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var result = new List<T>();
            foreach (var item in Sequence(top, listKey))
            {
                var entry = Mapping(item, $"an entry of '{listKey}'");
                var name = String(entry, "name") ?? "";
                if (!seen.Add(name))
                {
                    throw Malformed(path, Line(item), $"'{listKey}' lists the name '{name}' twice");
                }

                result.Add(read(name, OptionalMapping(entry, bodyKey)));
            }

            return result;
        }

        private string StringValue(YamlTreeNode node, string key) => node switch
        {
            YamlTreeScalar scalar when Yaml11.Resolve(scalar) == Yaml11.Kind.String => scalar.Value,
            YamlTreeScalar => throw Malformed(path, Line(node), $"'{key}' must be a string: quote the value"),
            _ => throw Malformed(path, Line(node), $"'{key}' must be a single value"),
        };

        private static YamlTreeNode? Child(YamlTreeMapping? parent, string key)
        {
            if (parent is null)
            {
                return null;
            }

            // A key written twice: the last one counts, as in kubectl.
            YamlTreeNode? found = null;
            foreach (var (k, v) in parent.Entries)
            {
                if (k is YamlTreeScalar { Value: var name } && string.Equals(name, key, StringComparison.Ordinal))
                {
                    found = v;
                }
            }

            return found is null || IsNull(found) ? null : found;
        }

        private static int Line(YamlTreeNode node) => node.Line;
    }
}

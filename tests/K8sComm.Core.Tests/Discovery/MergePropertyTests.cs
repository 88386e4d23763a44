using CsCheck;
using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>kubectl's merge rules hold for any set of files in any KUBECONFIG order.</summary>
public sealed class MergePropertyTests
{
    // Names that differ only in case must stay distinct.
    private static readonly string[] Names = ["a", "A", "prod", "Prod"];

    /// <summary>Which names one file defines in each section, and its current-context (null = unset).</summary>
    private sealed record FileSpec(bool[] Clusters, bool[] Users, bool[] Contexts, string? CurrentContext);

    private static readonly Gen<bool[]> Mask = Gen.Bool.Array[Names.Length];

    private static readonly Gen<FileSpec> FileGen =
        Gen.Select(Mask, Mask, Mask, Gen.OneOf<string?>([null, "", .. Names]), (c, u, x, cur) => new FileSpec(c, u, x, cur));

    // Files, then a KUBECONFIG order of file indexes where -1 is a missing file; repeats allowed.
    private static readonly Gen<(FileSpec[] Files, int[] Order)> CaseGen =
        FileGen.Array[1, 4].SelectMany(files => Gen.Int[-1, files.Length - 1].Array[1, 7].Select(order => (files, order)));

    private static string Yaml(FileSpec spec, int fileIndex)
    {
        string Entries(bool[] mask, Func<string, string> body) =>
            string.Concat(Names.Where((_, i) => mask[i]).Select(name => $"- name: \"{name}\"\n  {body(name)}\n"));

        var current = spec.CurrentContext is null ? "" : $"current-context: \"{spec.CurrentContext}\"\n";
        return current
            + "clusters:\n" + Entries(spec.Clusters, n => $"cluster: {{server: \"https://f{fileIndex}-{n.ToLowerInvariant()}{(n == n.ToLowerInvariant() ? "" : "-up")}\"}}")
            + "users:\n" + Entries(spec.Users, n => $"user: {{token: \"f{fileIndex}-{n}\"}}")
            + "contexts:\n" + Entries(spec.Contexts, n => $"context: {{cluster: \"{n}\", user: \"{n}\", namespace: \"f{fileIndex}\"}}");
    }

    [Fact]
    public void FirstDefinitionWinsAndFirstCurrentContextWins()
    {
        CaseGen.Sample(sample =>
        {
            var (files, order) = sample;
            using var dir = new TempDirectory();
            var paths = files.Select((spec, i) => dir.Write($"f{i}", Yaml(spec, i))).ToArray();
            var variable = string.Join(Path.PathSeparator, order.Select(i => i < 0 ? dir.Combine("missing") : paths[i]));

            var location = KubeconfigLocator.Locate(null, variable, null);
            var effective = order.Where(i => i >= 0).Distinct().ToArray();
            if (effective.Length == 0)
            {
                Assert.Equal(FailureReason.KubeconfigNotFound, Assert.Throws<K8sCommException>(() => KubeconfigLoader.Load(location)).Reason);
                return;
            }

            var config = KubeconfigLoader.Load(location);
            Assert.Equal(effective.Select(i => paths[i]), config.Files);
            Assert.Equal(
                effective.Select(i => files[i].CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
                config.CurrentContext);
            for (var n = 0; n < Names.Length; n++)
            {
                var name = Names[n];
                var clusterOwner = effective.Cast<int?>().FirstOrDefault(i => files[i!.Value].Clusters[n]);
                var userOwner = effective.Cast<int?>().FirstOrDefault(i => files[i!.Value].Users[n]);
                var contextOwner = effective.Cast<int?>().FirstOrDefault(i => files[i!.Value].Contexts[n]);
                Assert.Equal(clusterOwner is null ? null : paths[clusterOwner.Value], config.Clusters.GetValueOrDefault(name)?.SourceFile);
                Assert.Equal(userOwner is null ? null : $"f{userOwner}-{name}", config.Users.GetValueOrDefault(name)?.Token);
                Assert.Equal(contextOwner is null ? null : $"f{contextOwner}", config.Contexts.GetValueOrDefault(name)?.Namespace);
            }
        }, iter: 200);
    }

    [Fact]
    public void ResolveAllCoversEveryContextInOrdinalOrder()
    {
        CaseGen.Sample(sample =>
        {
            var (files, _) = sample;
            using var dir = new TempDirectory();
            var paths = files.Select((spec, i) => dir.Write($"f{i}", Yaml(spec, i))).ToArray();
            var config = KubeconfigLoader.Load(paths);

            var all = new EndpointResolver().ResolveAll(config);

            Assert.Equal(config.Contexts.Keys.Order(StringComparer.Ordinal), all.Select(r => r.Context));
            foreach (var result in all)
            {
                var context = config.Contexts[result.Context];
                if (config.Clusters.TryGetValue(context.Cluster, out var cluster))
                {
                    Assert.Equal(cluster.Server, result.Endpoint!.Server.OriginalString);
                    Assert.Equal(context.Namespace, result.Endpoint.Namespace);
                }
                else
                {
                    Assert.Equal(FailureReason.ClusterNotFound, result.Error!.Reason);
                }
            }
        }, iter: 100);
    }
}

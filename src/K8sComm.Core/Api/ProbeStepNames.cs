namespace K8sComm.Core.Api;

/// <summary>The names of the steps of <see cref="ApiServerProber"/>, in the order they run.</summary>
public static class ProbeStepNames
{
    public const string Tls = "tls";
    public const string Version = "version";
    public const string Api = "api";
    public const string Livez = "livez";
    public const string Readyz = "readyz";
    public const string Anonymous = "anonymous";
    public const string Identity = "identity";
    public const string Latency = "latency";

    public static IReadOnlyList<string> All { get; } = [Tls, Version, Api, Livez, Readyz, Anonymous, Identity, Latency];
}

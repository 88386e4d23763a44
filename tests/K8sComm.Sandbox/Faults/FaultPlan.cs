namespace K8sComm.Sandbox.Faults;

/// <summary>What goes wrong on an endpoint, on purpose.</summary>
public enum FaultMode
{
    /// <summary>Behave normally.</summary>
    None,
    /// <summary>Wait <see cref="FaultPlan.Delay"/> before answering normally.</summary>
    Latency,
    /// <summary>Answer 500 with a Kubernetes Status body.</summary>
    ServerError,
    /// <summary>Drop the connection without a response.</summary>
    ConnectionReset,
    /// <summary>Accept TCP but never answer the TLS ClientHello.</summary>
    StalledHandshake,
    /// <summary>Answer 200 with bytes that are not JSON.</summary>
    GarbageBody,
    /// <summary>Promise the whole body in Content-Length, send half, then close the connection.</summary>
    TruncatedBody,
    /// <summary>Answer 200 with a body of <see cref="FaultPlan.OversizedBodyBytes"/> bytes, streamed.</summary>
    OversizedBody,
    /// <summary>Send the real response a few bytes at a time, waiting <see cref="FaultPlan.Delay"/> between them.</summary>
    SlowTrickle,
}

/// <summary>
/// A fault for one endpoint. <paramref name="Delay"/> is the added latency (Latency) or the pause between
/// chunks (SlowTrickle); <paramref name="PathPrefix"/> limits HTTP faults to request paths that start with
/// it (null: every path). A stalled handshake happens before any path is known, so it ignores the prefix.
/// </summary>
public sealed record FaultPlan(FaultMode Mode, TimeSpan? Delay = null, string? PathPrefix = null)
{
    /// <summary>Added latency when <see cref="Delay"/> is not given.</summary>
    public static readonly TimeSpan DefaultLatency = TimeSpan.FromSeconds(1);

    /// <summary>Pause between trickled chunks when <see cref="Delay"/> is not given.</summary>
    public static readonly TimeSpan DefaultTrickleInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Bytes written per trickled chunk.</summary>
    public const int TrickleChunkBytes = 4;

    /// <summary>Size of the body an OversizedBody fault streams (64 MiB).</summary>
    public const long OversizedBodyBytes = 64L * 1024 * 1024;

    /// <summary>No fault.</summary>
    public static FaultPlan None { get; } = new(FaultMode.None);

    /// <summary>True when this plan changes the answer to a request for <paramref name="path"/>.</summary>
    public bool AppliesTo(string? path) =>
        Mode is not (FaultMode.None or FaultMode.StalledHandshake)
        && (PathPrefix is null || (path ?? "").StartsWith(PathPrefix, StringComparison.Ordinal));

    internal TimeSpan LatencyOrDefault => Delay ?? DefaultLatency;

    internal TimeSpan TrickleIntervalOrDefault => Delay ?? DefaultTrickleInterval;
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace K8sComm.Core.Kubelets;

/// <summary>
/// Checks many kubelets at once: at most <c>throttle</c> in flight, each result yielded as soon as its
/// check ends (not in input order). Stopping the enumeration, or cancelling, cancels every check still
/// running, which closes its socket, and waits for them before returning.
/// </summary>
public static class KubeletFleetCheck
{
    public const int DefaultThrottle = 64;

    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async IAsyncEnumerable<KubeletCheckResult> RunAsync(IAsyncEnumerable<KubeletTarget> targets, KubeletCheckOptions options,
        int throttle = DefaultThrottle, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(throttle, 1);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = Channel.CreateUnbounded<KubeletCheckResult>(new UnboundedChannelOptions { SingleReader = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = throttle, CancellationToken = stop.Token },
                    async (target, ct) => results.Writer.TryWrite(
                        await KubeletCertificateCheck.CheckAsync(target, options, ct).ConfigureAwait(false))).ConfigureAwait(false);
                results.Writer.TryComplete();
            }
            catch (Exception e)
            {
                results.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        // A failure listing the targets (the API server's node list) ends the reading below, after the results so far.
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return result;
        }
        finally
        {
            // Early exit or cancellation: nothing more is wanted, so every check in flight stops now.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    /// <summary>The same, for targets already at hand.</summary>
    public static IAsyncEnumerable<KubeletCheckResult> RunAsync(IEnumerable<KubeletTarget> targets, KubeletCheckOptions options,
        int throttle = DefaultThrottle, CancellationToken cancellationToken = default) =>
        RunAsync(AsAsync(targets), options, throttle, cancellationToken);

    private static async IAsyncEnumerable<KubeletTarget> AsAsync(IEnumerable<KubeletTarget> targets)
    {
        foreach (var target in targets)
            yield return target;
        await Task.CompletedTask.ConfigureAwait(false);
    }
}

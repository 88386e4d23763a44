using System.Management.Automation;
using K8sComm.Core;
using K8sComm.Errors;

namespace K8sComm.Commands.Base;

/// <summary>
/// What every K8sComm cmdlet shares: a stop token that Ctrl+C cancels (so it reaches every await in the
/// core), the step that turns a core failure into an ErrorRecord, and a bounded concurrent fan-out that
/// writes results as they finish. Derived cmdlets override <see cref="OnBegin"/>, <see cref="OnRecord"/>
/// and <see cref="OnEnd"/>; a <see cref="K8sCommException"/> escaping one of them is that record's
/// non-terminating error, and cancellation after Ctrl+C ends the pipeline quietly.
/// </summary>
public abstract class K8sCommCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected sealed override void BeginProcessing() => Guard(OnBegin);

    protected sealed override void ProcessRecord() => Guard(OnRecord);

    protected sealed override void EndProcessing() => Guard(OnEnd);

    protected override void StopProcessing() => _stopping.Cancel();

    protected virtual void OnBegin()
    {
    }

    protected virtual void OnRecord()
    {
    }

    protected virtual void OnEnd()
    {
    }

    /// <summary>Waits on the pipeline thread for core work (the core never needs this thread back).</summary>
    protected T Await<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>Takes an async stream on the pipeline thread, handing each item to <paramref name="each"/>
    /// (which may write) as it arrives, and always disposes the stream, even when stopped.</summary>
    protected void AwaitEach<T>(IAsyncEnumerable<T> items, CancellationToken cancellation, Action<T> each)
    {
        var enumerator = items.GetAsyncEnumerator(cancellation);
        try
        {
            while (Await(enumerator.MoveNextAsync().AsTask()))
                each(enumerator.Current);
        }
        finally
        {
            // Disposing a stream that was cancelled may itself report the cancellation: it is over either way.
            Await(enumerator.DisposeAsync().AsTask().ContinueWith(_ => true, TaskScheduler.Default));
        }
    }

    /// <summary>A failure about one item: the command goes on.</summary>
    protected void WriteFailure(K8sCommException failure) => WriteError(ErrorRecords.From(failure));

    /// <summary>A failure that ends the command (bad parameters, nothing to work on).</summary>
    protected void ThrowFailure(K8sCommException failure) => ThrowTerminatingError(ErrorRecords.From(failure));

    /// <summary>
    /// Starts a fan-out: work added to it runs at most <paramref name="throttleLimit"/> at a time, and
    /// <see cref="WriteFinished{TResult}"/> writes each result (or its failure) with progress done/total.
    /// </summary>
    /// <param name="ordered">Write in the order the work was added (each as soon as everything before
    /// it is written), instead of in the order it finishes.</param>
    protected ConcurrentWork<TResult> StartWork<TResult>(int throttleLimit, string activity, bool ordered = false) =>
        new(throttleLimit, activity, ordered, StopToken);

    /// <summary>Writes what has finished; with <paramref name="waitForAll"/>, waits for the rest and
    /// writes each as it finishes. Results go through <paramref name="write"/> when given.</summary>
    protected void WriteFinished<TResult>(ConcurrentWork<TResult> work, bool waitForAll, Action<TResult>? write = null)
    {
        foreach (var done in waitForAll ? work.TakeAll() : work.TakeFinished())
        {
            switch (done)
            {
                case { Error: K8sCommException failure }:
                    WriteFailure(failure);
                    break;
                case { Error: { } bug }:
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(bug);
                    break;
                case { Value: null }:
                    break; // cancelled before it ended
                default:
                    if (write is not null) write(done.Value!);
                    else WriteObject(done.Value);
                    break;
            }

            if (work.ShouldReportProgress(out var progress))
                WriteProgress(progress);
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _stopping.Cancel();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (K8sCommException failure)
        {
            WriteFailure(failure);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}

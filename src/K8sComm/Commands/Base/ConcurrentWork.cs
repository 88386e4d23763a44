using System.Diagnostics;
using System.Management.Automation;
using System.Threading.Channels;

namespace K8sComm.Commands.Base;

/// <summary>One finished piece of work: its value, or what went wrong (a core failure to report for
/// the item, anything else a bug to rethrow). Both are empty for work cancelled before it ended.</summary>
public readonly record struct Finished<TResult>(TResult? Value, Exception? Error);

/// <summary>
/// Work that runs side by side, at most a throttle's worth at once, started as items arrive (so a
/// pipeline streams) and taken back on the pipeline thread, which alone writes. A core failure is the
/// item's own result; cancellation stops everything still running or waiting.
/// </summary>
public sealed class ConcurrentWork<TResult>
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _cancellation;
    private readonly Channel<Finished<TResult>>? _unordered;
    private readonly Queue<Task<Finished<TResult>>>? _ordered;
    private readonly ProgressRecord _progress;
    private long _lastProgress;
    private int _started;
    private int _taken;

    internal ConcurrentWork(int throttleLimit, string activity, bool ordered, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        _slots = new SemaphoreSlim(throttleLimit);
        _cancellation = cancellation;
        if (ordered)
            _ordered = new();
        else
            _unordered = Channel.CreateUnbounded<Finished<TResult>>(new UnboundedChannelOptions { SingleReader = true });
        _progress = new ProgressRecord(Math.Abs(activity.GetHashCode()) % 10_000, activity, " ");
    }

    public int Started => _started;

    public int Taken => _taken;

    /// <summary>Queues one piece of work; it starts as soon as a slot is free.</summary>
    public void Add(Func<CancellationToken, Task<TResult>> work)
    {
        _started++;
        var task = RunAsync(work);
        if (_ordered is not null)
            _ordered.Enqueue(task);
        else
            _ = task.ContinueWith(t => _unordered!.Writer.TryWrite(t.Result), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>What has finished so far, without waiting.</summary>
    public IEnumerable<Finished<TResult>> TakeFinished()
    {
        if (_ordered is not null)
        {
            while (_ordered.TryPeek(out var head) && head.IsCompleted)
                yield return Take(_ordered.Dequeue().Result);
        }
        else
        {
            while (_unordered!.Reader.TryRead(out var done))
                yield return Take(done);
        }
    }

    /// <summary>Everything, each as it finishes. Throws <see cref="OperationCanceledException"/> when stopped.</summary>
    public IEnumerable<Finished<TResult>> TakeAll()
    {
        while (_taken < _started)
        {
            var done = _ordered is not null
                ? _ordered.Dequeue().WaitAsync(_cancellation).GetAwaiter().GetResult()
                : _unordered!.Reader.ReadAsync(_cancellation).AsTask().GetAwaiter().GetResult();
            yield return Take(done);
        }
    }

    /// <summary>Progress done/total, at most a few times a second and always at the end.</summary>
    internal bool ShouldReportProgress(out ProgressRecord progress)
    {
        progress = _progress;
        var now = Stopwatch.GetTimestamp();
        var last = _taken == _started;
        if (!last && Stopwatch.GetElapsedTime(_lastProgress, now) < ProgressInterval)
            return false;
        _lastProgress = now;
        _progress.StatusDescription = $"{_taken}/{_started}";
        _progress.PercentComplete = _started == 0 ? 100 : (int)(_taken * 100L / _started);
        _progress.RecordType = last ? ProgressRecordType.Completed : ProgressRecordType.Processing;
        return true;
    }

    private Finished<TResult> Take(Finished<TResult> done)
    {
        _taken++;
        return done;
    }

    private async Task<Finished<TResult>> RunAsync(Func<CancellationToken, Task<TResult>> work)
    {
        try
        {
            await _slots.WaitAsync(_cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return default;
        }

        try
        {
            return new(await work(_cancellation).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            return default;
        }
        catch (Exception e)
        {
            return new(default, e);
        }
        finally
        {
            _slots.Release();
        }
    }
}

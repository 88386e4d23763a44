using System.Diagnostics;
using K8sComm.Core.Api;

namespace K8sComm.Core.Checks;

/// <summary>A step the target does not offer at all (an API its version does not serve): recorded as
/// <see cref="ProbeStepStatus.NotSupported"/>, not as a failure.</summary>
public sealed class StepNotSupportedException(string message) : Exception(message);

/// <summary>
/// Runs the steps of one check under one deadline for the whole check and keeps their record: each
/// step's outcome is recorded, never thrown (a half-working target is exactly what a user wants to
/// see), steps that can no longer start in time are recorded as skipped, and only the caller's own
/// cancellation ends the run. Steps may run side by side. The API server probe is built on it; any
/// other check of a server can be.
/// </summary>
public sealed class StepRun : IDisposable
{
    private readonly List<ProbeStep> _steps = [];
    private readonly IReadOnlyList<string> _order;
    private readonly string _what;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenSource _deadline;

    /// <param name="order">The step names in the order a record lists them.</param>
    /// <param name="what">What is run, for messages ("the probe").</param>
    public StepRun(IReadOnlyList<string> order, string what, TimeSpan timeout, CancellationToken cancellation)
    {
        _order = order;
        _what = what;
        _timeout = timeout;
        _cancellation = cancellation;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _deadline.CancelAfter(timeout);
    }

    /// <summary>The steps in their canonical order, whatever order they ended in.</summary>
    public IReadOnlyList<ProbeStep> Steps
    {
        get
        {
            lock (_steps)
                return _steps.OrderBy(s => Order(s.Name)).ToList();
        }
    }

    public string? LastError { get; private set; }

    /// <summary>Whether any step got an answer from the target, even an error status.</summary>
    public bool GotAnyResponse { get; private set; }

    private string TimedOut => $"timed out: {_what}'s time limit of {_timeout.TotalSeconds:0.###} s ran out";

    /// <summary>Runs a step; its value, or default when it failed, was skipped or is not supported.</summary>
    /// <exception cref="OperationCanceledException">Only when the caller's token is cancelled.</exception>
    public async Task<T?> StepAsync<T>(string name, Func<CancellationToken, Task<T>> action)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (_deadline.IsCancellationRequested)
        {
            Skip(name, $"not started: {_what}'s time limit of {_timeout.TotalSeconds:0.###} s ran out");
            LastError = TimedOut;
            return default;
        }

        var started = Stopwatch.GetTimestamp();
        var status = ProbeStepStatus.Failed;
        string? error;
        try
        {
            var value = await action(_deadline.Token).ConfigureAwait(false);
            GotAnyResponse = true;
            Record(name, ProbeStepStatus.Succeeded, null, started);
            return value;
        }
        catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested)
        {
            error = TimedOut;
        }
        catch (K8sCommException e) when (e.Reason == FailureReason.Timeout && !_cancellation.IsCancellationRequested)
        {
            error = $"{TimedOut}: {e.Message}";
        }
        catch (StepNotSupportedException e)
        {
            GotAnyResponse = true;
            status = ProbeStepStatus.NotSupported;
            error = e.Message;
        }
        catch (ApiStatusException e)
        {
            GotAnyResponse = true;
            error = $"{e.Code} {e.StatusReason}: {e.Message}".Replace("  ", " ");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Our exceptions (K8sCommException) and the unexpected alike: recorded, never thrown.
            error = e.Message;
        }
        Record(name, status, error, started);
        return default;
    }

    public void Skip(string name, string reason) => Add(new ProbeStep(name, ProbeStepStatus.Skipped, reason, TimeSpan.Zero));

    /// <summary>Marks every step not yet recorded as skipped; returns the whole record.</summary>
    public IReadOnlyList<ProbeStep> SkipRest(string reason)
    {
        foreach (var name in _order.Where(n => Steps.All(s => s.Name != n)))
            Skip(name, reason);
        return Steps;
    }

    public void Dispose() => _deadline.Dispose();

    private void Record(string name, ProbeStepStatus status, string? error, long started)
    {
        LastError = error;
        Add(new ProbeStep(name, status, error, Stopwatch.GetElapsedTime(started)));
    }

    private void Add(ProbeStep step)
    {
        lock (_steps)
            _steps.Add(step);
    }

    private int Order(string name)
    {
        for (var i = 0; i < _order.Count; i++)
        {
            if (_order[i] == name)
                return i;
        }
        return int.MaxValue;
    }
}

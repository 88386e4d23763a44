using K8sComm.Core.Api;
using K8sComm.Core.Checks;
using Xunit;

namespace K8sComm.Core.Tests.Checks;

/// <summary>The step record any check keeps: outcomes recorded, never thrown; one deadline for the
/// whole run; only the caller's cancellation ends it.</summary>
public class StepRunTests
{
    private static readonly string[] Order = ["connect", "read", "judge"];

    [Fact]
    public async Task Each_outcome_is_recorded_in_the_canonical_order()
    {
        using var run = new StepRun(Order, "the check", TimeSpan.FromSeconds(10), CancellationToken.None);

        var judged = await run.StepAsync<bool>("judge", _ => throw new StepNotSupportedException("no such API"));
        var read = await run.StepAsync<string>("read", _ => throw new K8sCommException(FailureReason.ResponseInvalid, "garbage", null));
        var connected = await run.StepAsync("connect", _ => Task.FromResult(42));

        Assert.Equal(42, connected);
        Assert.Null(read);
        Assert.False(judged);
        Assert.Equal(Order, run.Steps.Select(s => s.Name));
        Assert.Equal([ProbeStepStatus.Succeeded, ProbeStepStatus.Failed, ProbeStepStatus.NotSupported], run.Steps.Select(s => s.Status));
        Assert.Equal("garbage", run.Steps[1].Error);
        Assert.True(run.GotAnyResponse);
    }

    [Fact]
    public async Task One_deadline_bounds_the_whole_run_and_later_steps_are_skipped()
    {
        using var run = new StepRun(Order, "the check", TimeSpan.FromMilliseconds(200), CancellationToken.None);

        await run.StepAsync("connect", async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; });
        await run.StepAsync("read", _ => Task.FromResult(1));
        var steps = run.SkipRest("nothing to judge");

        Assert.Equal(ProbeStepStatus.Failed, steps[0].Status);
        Assert.Contains("time limit", steps[0].Error);
        Assert.Equal(ProbeStepStatus.Skipped, steps[1].Status);
        Assert.Contains("not started", steps[1].Error);
        Assert.Equal(("judge", ProbeStepStatus.Skipped, "nothing to judge"), (steps[2].Name, steps[2].Status, steps[2].Error));
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_run()
    {
        using var cancel = new CancellationTokenSource();
        using var run = new StepRun(Order, "the check", TimeSpan.FromSeconds(10), cancel.Token);

        var step = run.StepAsync("connect", async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; });
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => step);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.StepAsync("read", _ => Task.FromResult(1)));
    }
}

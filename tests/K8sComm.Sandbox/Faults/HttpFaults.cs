using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace K8sComm.Sandbox.Faults;

/// <summary>
/// Injects HTTP-level faults in front of a request pipeline. Every wait and every streamed write stops
/// when the client goes away or the host starts stopping, so a fault never holds a server open.
/// </summary>
public static class HttpFaults
{
    /// <summary>Runs every request through the fault chosen for it by <paramref name="planFor"/> (null: none).</summary>
    public static IApplicationBuilder UseFaults(this IApplicationBuilder app, Func<HttpContext, FaultPlan?> planFor) =>
        app.Use((context, next) => ApplyAsync(context, planFor(context), () => next(context)));

    /// <summary>Answers <paramref name="context"/> through <paramref name="plan"/>; <paramref name="next"/> produces the normal answer.</summary>
    public static async Task ApplyAsync(HttpContext context, FaultPlan? plan, Func<Task> next)
    {
        if (plan is null || !plan.AppliesTo(context.Request.Path.Value))
        {
            await next();
            return;
        }

        using var stop = StopToken(context);
        try
        {
            await (plan.Mode switch
            {
                FaultMode.Latency => LatencyAsync(plan, next, stop.Token),
                FaultMode.ServerError => ServerErrorAsync(context),
                FaultMode.ConnectionReset => ResetAsync(context),
                FaultMode.GarbageBody => GarbageAsync(context),
                FaultMode.TruncatedBody => TruncatedAsync(context, next),
                FaultMode.OversizedBody => OversizedAsync(context, stop.Token),
                FaultMode.SlowTrickle => TrickleAsync(context, plan, next, stop.Token),
                _ => next(),
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the server is stopping: end the exchange without an answer.
            context.Abort();
        }
    }

    // Cancelled when the client disconnects or the host begins to stop.
    static CancellationTokenSource StopToken(HttpContext context)
    {
        var stopping = context.RequestServices?.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? default;
        return CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
    }

    static async Task LatencyAsync(FaultPlan plan, Func<Task> next, CancellationToken stop)
    {
        await Task.Delay(plan.LatencyOrDefault, stop);
        await next();
    }

    static Task ServerErrorAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/json";
        const string body = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"sandbox fault: internal error injected","reason":"InternalError","code":500}""";
        return context.Response.WriteAsync(body);
    }

    static Task ResetAsync(HttpContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }

    // JSON-ish characters mixed with bytes no parser accepts (a NUL, stray bytes, invalid UTF-8).
    static readonly byte[] Garbage = [.. "}{\"kind\":"u8, 0x00, 0xFF, 0xFE, 0xC3, 0x28, .. "<<not json>>\n"u8];

    static Task GarbageAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Garbage.Length;
        return context.Response.Body.WriteAsync(Garbage).AsTask();
    }

    static async Task TruncatedAsync(HttpContext context, Func<Task> next)
    {
        var body = await CaptureAsync(context, next);
        if (body.Length < 2)
            body = Encoding.UTF8.GetBytes("""{"kind":"Status","apiVersion":"v1","status":"Success"}""");
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
        // Ending short of Content-Length makes Kestrel close the connection once what was written is
        // sent (an abort would drop output still queued, and the client would see no body at all).
    }

    static async Task OversizedAsync(HttpContext context, CancellationToken stop)
    {
        // Valid JSON, just far too much of it: {"kind":"Filler","data":"xxxx...x"}.
        var head = "{\"kind\":\"Filler\",\"data\":\""u8.ToArray();
        var tail = "\"}"u8.ToArray();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = FaultPlan.OversizedBodyBytes;

        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        await context.Response.Body.WriteAsync(head, stop);
        long remaining = FaultPlan.OversizedBodyBytes - head.Length - tail.Length;
        while (remaining > 0)
        {
            var size = (int)Math.Min(chunk.Length, remaining);
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, size), stop);
            remaining -= size;
        }
        await context.Response.Body.WriteAsync(tail, stop);
    }

    static async Task TrickleAsync(HttpContext context, FaultPlan plan, Func<Task> next, CancellationToken stop)
    {
        var body = await CaptureAsync(context, next);
        context.Response.ContentLength = body.Length;
        await context.Response.StartAsync(stop);
        for (var offset = 0; offset < body.Length; offset += FaultPlan.TrickleChunkBytes)
        {
            if (offset > 0)
                await Task.Delay(plan.TrickleIntervalOrDefault, stop);
            var size = Math.Min(FaultPlan.TrickleChunkBytes, body.Length - offset);
            await context.Response.Body.WriteAsync(body.AsMemory(offset, size), stop);
            await context.Response.Body.FlushAsync(stop);
        }
    }

    // Runs the normal pipeline into memory, so a fault can decide how much of it leaves and when.
    static async Task<byte[]> CaptureAsync(HttpContext context, Func<Task> next)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = original;
        }
        context.Response.ContentLength = null;
        return buffer.ToArray();
    }
}

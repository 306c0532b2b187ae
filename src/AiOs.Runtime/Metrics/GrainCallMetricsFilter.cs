using System.Diagnostics;

namespace AiOs.Runtime.Metrics;

/// <summary>The built-in incoming filter: counts calls and errors and records execution time per grain type and method
/// (timer and reminder ticks included).</summary>
internal sealed class GrainCallMetricsFilter(RuntimeInstruments instruments) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await context.Invoke();
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var tags = RuntimeInstruments.Tags(context.TargetId.Type, context.MethodName);
            instruments.Calls.Add(1, tags);
            if (failed)
            {
                instruments.Errors.Add(1, tags);
            }

            instruments.Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }
}

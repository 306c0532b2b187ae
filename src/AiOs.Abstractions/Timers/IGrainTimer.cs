namespace AiOs;

/// <summary>A timer registered by a grain. Dispose to stop it.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the due time and period; the next tick is scheduled from now.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>How a grain timer ticks.</summary>
public sealed record GrainTimerOptions
{
    /// <summary>Delay before the first tick.</summary>
    public TimeSpan DueTime { get; init; }

    /// <summary>Delay between the end of one tick and the start of the next; <see cref="Timeout.InfiniteTimeSpan"/> ticks once.</summary>
    public TimeSpan Period { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>When true a tick may interleave with calls (as if the grain were reentrant for the tick).</summary>
    public bool Interleave { get; init; }

    /// <summary>When false (the default) ticks do not count as activity for idle collection.</summary>
    public bool KeepAlive { get; init; }
}

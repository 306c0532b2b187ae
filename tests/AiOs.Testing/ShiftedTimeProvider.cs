namespace AiOs.Testing;

/// <summary>The real clock, read at an offset a test can move: the date and time jump, while timers, delays and elapsed
/// time keep running in real time. For whole-silo tests that need "the deadline has now passed" or "it is midday" at a
/// moment of their choosing, where a <see cref="ManualTimeProvider"/> would also stop every timer the silo runs on.</summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    /// <summary>Starts at <paramref name="now"/> when given (and runs on from there), else at the real time.</summary>
    public ShiftedTimeProvider(DateTimeOffset? now = null)
    {
        _offsetTicks = now is { } start ? (start - System.GetUtcNow()).Ticks : 0;
    }

    /// <summary>Today at 12:00 UTC: a test counting by the UTC day is then hours from either of its ends.</summary>
    public static ShiftedTimeProvider AtMidday() => new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(12), TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the date and time forward by <paramref name="by"/>; running timers are not hurried.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}

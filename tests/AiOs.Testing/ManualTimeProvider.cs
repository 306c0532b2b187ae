namespace AiOs.Testing;

/// <summary>A clock that moves only when a test advances it; timers created from it fire during <see cref="Advance"/>.
/// (Microsoft.Extensions.TimeProvider.Testing is not in this project's package registry, so this is our own.)</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _timestamp;

    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Fires a timer armed for now (due time zero) at once, on the thread pool, as a real clock would, instead of
    /// at the next <see cref="Advance"/>. Off by default: tests of timers themselves step every firing by hand. Whole-service
    /// scenarios turn it on, since services start work with zero-delay timers (a goal's coordinator drives its plan so).</summary>
    public bool FiresDueTimersAtOnce { get; init; }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _timestamp;
        }
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _timestamp += (target - _now).Ticks;
                    _now = target;
                    return;
                }

                var due = next.Due!.Value;
                if (due > _now)
                {
                    _timestamp += (due - _now).Ticks;
                    _now = due;
                }

                next.Due = next.Period is { } period && period > TimeSpan.Zero ? _now + period : null;
            }

            next.Fire();
        }
    }

    /// <summary>Number of timers that are armed (useful to wait until a component has scheduled its work).</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                if (!owner.FiresDueTimersAtOnce || Due is not { } due || due > owner._now)
                {
                    return true;
                }
            }

            ThreadPool.UnsafeQueueUserWorkItem(_ => FireIfDue(), null);
            return true;
        }

        // Fires once if still due (not changed or disposed since it was queued), re-arming a periodic timer as Advance does.
        private void FireIfDue()
        {
            lock (owner._lock)
            {
                if (Due is not { } due || due > owner._now)
                {
                    return;
                }

                Due = Period is { } period && period > TimeSpan.Zero ? owner._now + period : null;
            }

            Fire();
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                Due = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

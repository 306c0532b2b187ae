using System.Collections.Concurrent;
using AiOs.Invocation;
using AiOs.Persistence;
using AiOs.Runtime.Activation;
using Microsoft.Extensions.Logging;

namespace AiOs.Runtime.Reminders;

/// <summary>Fires the durable reminders of the partitions this silo owns.
///
/// Each reminder row carries its next due time, which moves forward only after a tick has been delivered. So a tick
/// that fell due while no silo was running is delivered when an owner loads the row again (at-least-once), and since
/// the next due time is then set to the first period boundary after now, the missed ticks come as one catch-up tick,
/// not a burst. Each loaded reminder has its own timer from the silo's <see cref="TimeProvider"/>.
///
/// Only a partition's owner writes its reminder rows, so what this silo holds in memory is never older than the table,
/// but a read of the table can be: the periodic refresh may read a row just before a tick is recorded, or a reminder
/// just before it is unregistered, and hand the rows over after. Each change here therefore takes a stamp from one
/// counter, and a read notes the counter when it begins; a row it returns never replaces or removes what changed here
/// after that (<see cref="BeginRead"/>). Removals leave a stamped tombstone while a read older than them is in flight.</summary>
internal sealed class ReminderService(SiloRuntime runtime) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Name), ScheduledReminder> _scheduled = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(GrainId Grain, string Name), long> _removedAt = [];
    private readonly List<long> _readsInFlight = [];
    private long _changes;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _refresh;
    private GrainMethodDescriptor? _receiveReminder;

    private IReminderTable Table => runtime.ReminderTable ?? throw new InvalidOperationException(
        "Reminders need a storage provider: register one (AddAiOsSqliteStorage or AddAiOsPostgreSqlStorage).");

    private ILogger Logger => runtime.Logger;

    /// <summary>Number of reminders scheduled in this silo.</summary>
    public int Count => _scheduled.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _receiveReminder = GrainInterfaceRegistry.Get(typeof(IRemindable)).Methods.Single();
        if (runtime.ReminderTable is null)
        {
            return;
        }

        runtime.Ownership.PartitionsAcquired += OnPartitionsAcquired;
        runtime.Ownership.PartitionsLost += OnPartitionsLost;
        await LoadAsync(runtime.Ownership.OwnedPartitions, cancellationToken).ConfigureAwait(false);
        var interval = runtime.ReminderOptions.RefreshInterval;
        _refresh = runtime.Time.CreateTimer(_ => _ = RefreshAsync(), null, interval, interval);
    }

    public async Task<IGrainReminder> RegisterAsync(ActivationData activation, string name, TimeSpan dueTime, TimeSpan period)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            throw new ArgumentException($"Reminder name '{name}' of {activation.GrainId} must be 1-200 printable characters.", nameof(name));
        }

        if (!activation.ClassInfo.IsRemindable)
        {
            throw new InvalidOperationException(
                $"{activation.ClassInfo.GrainClass.Name} registers reminder '{name}' but does not implement IRemindable, so it could never receive it.");
        }

        var minimum = runtime.ReminderOptions.MinimumPeriod;
        if (period < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(period),
                $"Reminder '{name}' of {activation.GrainId}: period {period} is shorter than the minimum {minimum} " +
                "(setting AiOs:Reminders:MinimumPeriod). Use a grain timer for short intervals.");
        }

        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), $"Reminder '{name}' of {activation.GrainId}: due time must not be negative.");
        }

        var start = runtime.Time.GetUtcNow() + dueTime;
        var entry = await Table.UpsertAsync(activation.GrainId, name, activation.Partition, start, period, start,
            Writer(activation.Partition)).ConfigureAwait(false);
        Schedule(entry);
        return new GrainReminder(entry);
    }

    public async Task<bool> UnregisterAsync(ActivationData activation, string name)
    {
        var removed = await Table.RemoveAsync(activation.GrainId, name, Writer(activation.Partition)).ConfigureAwait(false);
        Unschedule((activation.GrainId, name));
        return removed;
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string name)
    {
        var entry = await Table.ReadAsync(grainId, name).ConfigureAwait(false);
        return entry is null ? null : new GrainReminder(entry);
    }

    public async Task<IReadOnlyList<IGrainReminder>> ListAsync(GrainId grainId)
    {
        var entries = await Table.ReadGrainAsync(grainId).ConfigureAwait(false);
        return entries.Select(e => (IGrainReminder)new GrainReminder(e)).ToList();
    }

    /// <summary>The reminders scheduled here now whose next tick is armed (for inspection).</summary>
    public IReadOnlyList<ReminderEntry> Scheduled() => _scheduled.Values.Where(s => s.Armed).Select(s => s.Entry).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        runtime.Ownership.PartitionsAcquired -= OnPartitionsAcquired;
        runtime.Ownership.PartitionsLost -= OnPartitionsLost;
        _refresh?.Dispose();
        foreach (var key in _scheduled.Keys)
        {
            Unschedule(key);
        }
    }

    private async Task LoadAsync(IReadOnlyCollection<int> partitions, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        var since = BeginRead();
        try
        {
            var entries = await Table.ReadPartitionsAsync(partitions, cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<(GrainId, string)>();
            foreach (var entry in entries)
            {
                seen.Add((entry.GrainId, entry.Name));
                Schedule(entry, since);
            }

            // Rows that disappeared (unregistered elsewhere) stop firing here.
            var owned = partitions as ISet<int> ?? partitions.ToHashSet();
            foreach (var (key, scheduled) in _scheduled)
            {
                if (owned.Contains(scheduled.Entry.Partition) && !seen.Contains(key))
                {
                    Unschedule(key, since);
                }
            }

            Log.RemindersLoaded(Logger, entries.Count, partitions.Count);
        }
        finally
        {
            EndRead(since);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            await LoadAsync(runtime.Ownership.OwnedPartitions, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            Log.ReminderRefreshFailed(Logger, exception);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnPartitionsAcquired(IReadOnlyCollection<int> partitions) => _ = LoadAcquiredAsync(partitions);

    private async Task LoadAcquiredAsync(IReadOnlyCollection<int> partitions)
    {
        try
        {
            await LoadAsync(partitions, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            // The periodic refresh will pick them up.
            Log.ReminderRefreshFailed(Logger, exception);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnPartitionsLost(IReadOnlyCollection<int> partitions)
    {
        var lost = partitions.ToHashSet();
        foreach (var (key, scheduled) in _scheduled)
        {
            if (lost.Contains(scheduled.Entry.Partition))
            {
                Unschedule(key);
            }
        }
    }

    /// <summary>Marks the start of a read of the table whose rows will be applied with <see cref="Schedule"/> or
    /// <see cref="Unschedule"/>; returns the stamp to pass them. Pair with <see cref="EndRead"/>.</summary>
    private long BeginRead()
    {
        lock (_gate)
        {
            _readsInFlight.Add(_changes);
            return _changes;
        }
    }

    private void EndRead(long since)
    {
        lock (_gate)
        {
            _readsInFlight.Remove(since);

            // A tombstone only matters to a read that began before it.
            var oldest = _readsInFlight.Count == 0 ? _changes : _readsInFlight.Min();
            foreach (var (key, stamp) in _removedAt)
            {
                if (stamp <= oldest)
                {
                    _removedAt.Remove(key);
                }
            }
        }
    }

    /// <summary>Arms <paramref name="entry"/>, replacing what is scheduled for it. With <paramref name="readSince"/>
    /// (the entry comes from a read that began then), nothing happens if this silo changed the reminder since.</summary>
    private void Schedule(ReminderEntry entry, long? readSince = null)
    {
        var key = (entry.GrainId, entry.Name);
        ScheduledReminder scheduled;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !runtime.Ownership.Owns(entry.Partition))
            {
                return;
            }

            var exists = _scheduled.TryGetValue(key, out var existing);
            if (readSince is { } since && (exists ? existing!.Stamp > since : _removedAt.GetValueOrDefault(key) > since))
            {
                return;
            }

            if (exists && existing!.Entry.ETag == entry.ETag && existing.Entry.NextDue == entry.NextDue)
            {
                return;
            }

            scheduled = new ScheduledReminder(entry, ++_changes);
            _scheduled[key] = scheduled;
            _removedAt.Remove(key);
            existing?.Cancel();
        }

        var delay = entry.NextDue - runtime.Time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            // Due now, or overdue after downtime: deliver one (catch-up) tick at once.
            scheduled.Armed = true;
            _ = FireAsync(scheduled);
        }
        else
        {
            scheduled.Timer = runtime.Time.CreateTimer(static s => _ = ((ReminderService)((object[])s!)[0]).FireAsync((ScheduledReminder)((object[])s!)[1]),
                new object[] { this, scheduled }, delay, Timeout.InfiniteTimeSpan);
            scheduled.Armed = true;
            if (scheduled.Cancelled)
            {
                scheduled.Timer.Dispose();
            }
        }
    }

    /// <summary>Stops a reminder firing here. With <paramref name="readSince"/> (a read that began then no longer found
    /// it), nothing happens if this silo scheduled it since.</summary>
    private void Unschedule((GrainId, string) key, long? readSince = null)
    {
        lock (_gate)
        {
            var exists = _scheduled.TryGetValue(key, out var scheduled);
            if (readSince is { } since && exists && scheduled!.Stamp > since)
            {
                return;
            }

            _removedAt[key] = ++_changes;
            if (exists && _scheduled.TryRemove(key, out scheduled))
            {
                scheduled.Cancel();
            }
        }
    }

    private async Task FireAsync(ScheduledReminder scheduled)
    {
        if (scheduled.Cancelled || _stopping.IsCancellationRequested)
        {
            return;
        }

        var entry = scheduled.Entry;
        var status = new TickStatus(entry.StartAt, entry.Period, entry.NextDue, runtime.Time.GetUtcNow());
        try
        {
            var request = (GrainRequest<VoidResult>)_receiveReminder!.CreateRequest();
            request.SetArgument(0, entry.Name);
            request.SetArgument(1, status);
            runtime.Invoker.SendSystem(entry.GrainId, request, GrainCallKind.Reminder);
            await request.AsVoidTask().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The tick was delivered (or the grain is broken); a failing grain must not make its reminder fire in a loop.
            Log.ReminderTickFailed(Logger, exception, entry.Name, entry.GrainId);
        }

        if (scheduled.Cancelled || _stopping.IsCancellationRequested)
        {
            return;
        }

        var next = NextDueAfter(entry, runtime.Time.GetUtcNow());
        ReminderEntry? advanced;
        try
        {
            advanced = await Table.AdvanceAsync(entry, next, Writer(entry.Partition)).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Could not record the delivery: keep firing from memory; the row still says the tick is due, so a restart
            // delivers it again (at-least-once), and the next successful advance catches the row up.
            Log.ReminderAdvanceFailed(Logger, exception, entry.Name, entry.GrainId);
            advanced = entry with { NextDue = next };
        }

        if (advanced is null)
        {
            await FollowRowAsync((entry.GrainId, entry.Name)).ConfigureAwait(false);
            return;
        }

        Schedule(advanced);
    }

    /// <summary>After a tick whose reminder was re-registered or removed meanwhile: follows the row.</summary>
    private async Task FollowRowAsync((GrainId Grain, string Name) key)
    {
        var since = BeginRead();
        try
        {
            var current = await Table.ReadAsync(key.Grain, key.Name, _stopping.Token).ConfigureAwait(false);
            if (current is null)
            {
                Unschedule(key, since);
            }
            else
            {
                Schedule(current, since);
            }
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            // Forget it here, so that the next refresh arms whatever the row then says.
            Log.ReminderRefreshFailed(Logger, exception);
            Unschedule(key, since);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            EndRead(since);
        }
    }

    /// <summary>The first tick time after <paramref name="now"/> on the reminder's grid (StartAt + k * Period).</summary>
    internal static DateTimeOffset NextDueAfter(ReminderEntry entry, DateTimeOffset now)
    {
        if (now < entry.StartAt)
        {
            return entry.StartAt;
        }

        var periods = (now - entry.StartAt).Ticks / entry.Period.Ticks + 1;
        return entry.StartAt + TimeSpan.FromTicks(entry.Period.Ticks * periods);
    }

    private StorageWriter Writer(int partition) => new(runtime.SiloId, runtime.Ownership.GetFence(partition));

    private sealed class ScheduledReminder(ReminderEntry entry, long stamp)
    {
        private volatile bool _cancelled;
        private bool _armed;

        public ReminderEntry Entry { get; } = entry;

        /// <summary>When it was scheduled, on the service's change counter.</summary>
        public long Stamp { get; } = stamp;

        public ITimer? Timer { get; set; }

        /// <summary>True once its tick is armed (timer created, or delivery started).</summary>
        public bool Armed
        {
            get => Volatile.Read(ref _armed);
            set => Volatile.Write(ref _armed, value);
        }

        public bool Cancelled => _cancelled;

        public void Cancel()
        {
            _cancelled = true;
            Timer?.Dispose();
        }
    }

    private sealed class GrainReminder(ReminderEntry entry) : IGrainReminder
    {
        public string ReminderName => entry.Name;

        public TimeSpan Period => entry.Period;

        public DateTimeOffset NextDue => entry.NextDue;
    }
}

using AiOs.Persistence;
using AiOs.Persistence.Schedules;
using AiOs.Runtime;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;

namespace AiOs.Workforce.Schedules;

/// <summary>Owns one schedule's row in <see cref="IScheduleStore"/> (compare-and-swap on its version) and one durable
/// reminder, re-registered after every tick to fall due at the next run time. A run submits a goal whose id is a pure
/// function of the schedule and the occurrence (<see cref="ScheduledGoals.GoalId"/>), and the row is saved only after the
/// submit: a tick delivered again after a crash submits the same goal id, which the coordinator starts once.</summary>
[GrainType("schedule")]
public sealed class ScheduleGrain(IScheduleStore store, SiloRuntime runtime, TimeProvider time) : Grain, IScheduleGrain, IRemindable
{
    /// <summary>Skips kept in a schedule's progress (the total is counted).</summary>
    public const int KeptSkips = 20;

    private const string TickReminder = "tick";

    // The reminder's period only matters when a tick fails: the tick re-registers it for the exact next run time.
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMinutes(5);

    // Runs missed while no silo was up are not made up one by one: the latest is run and the others recorded as skipped.
    private const int MaxMissedToWalk = 1000;

    private readonly StorageWriter _writer = new(runtime.SiloId);
    private StoredSchedule? _row;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _row = await store.FindScheduleAsync(GrainId.Key, cancellationToken);

    public async Task<ScheduleCreation> Create(ScheduleSpec spec)
    {
        if (ScheduleRules.Check(spec) is { } problem)
        {
            return new ScheduleCreation(null, problem);
        }

        if (_row is not null)
        {
            var existing = ScheduleRows.View(_row);
            return existing.Spec == spec || SameDefinition(existing.Spec, spec)
                ? new ScheduleCreation(existing, null)
                : new ScheduleCreation(null, $"schedule '{GrainId.Key}' exists with another definition; delete it first or choose another id");
        }

        var next = ScheduleRules.NextRunAfter(spec, time.GetUtcNow(), oneOffHasRun: false);
        var status = next is null ? ScheduleStatus.Completed : ScheduleStatus.Active;
        var saved = await SaveAsync(ScheduleRows.Row(GrainId.Key, spec, status, next, new ScheduleProgress()), expectedVersion: null)
            ?? throw new InvalidOperationException($"schedule '{GrainId.Key}' was created by another writer at the same time; read it again");
        await ArmAsync(saved);
        return new ScheduleCreation(ScheduleRows.View(saved), null);
    }

    public Task<ScheduleView?> Get() => Task.FromResult(_row is null ? null : ScheduleRows.View(_row));

    public async Task<ScheduleView?> Pause()
    {
        if (_row is null)
        {
            return null;
        }

        var view = ScheduleRows.View(_row);
        if (view.Status == ScheduleStatus.Active)
        {
            await UnregisterReminder(TickReminder);
            await UpdateAsync(view with { Status = ScheduleStatus.Paused, NextRunAt = null });
        }

        return ScheduleRows.View(_row);
    }

    public async Task<ScheduleView?> Resume()
    {
        if (_row is null)
        {
            return null;
        }

        var view = ScheduleRows.View(_row);
        if (view.Status == ScheduleStatus.Paused)
        {
            var next = ScheduleRules.NextRunAfter(view.Spec, time.GetUtcNow(), oneOffHasRun: view.Progress.Runs > 0);
            await UpdateAsync(view with { Status = next is null ? ScheduleStatus.Completed : ScheduleStatus.Active, NextRunAt = next });
            await ArmAsync(_row);
        }

        return ScheduleRows.View(_row);
    }

    public async Task<bool> Delete()
    {
        if (_row is null)
        {
            return false;
        }

        await UnregisterReminder(TickReminder);
        if (!await store.DeleteScheduleAsync(_row.ScheduleId, _row.Version))
        {
            throw new InvalidOperationException($"schedule '{GrainId.Key}' was changed by another writer; try again");
        }

        _row = null;
        DeactivateOnIdle();
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_row is null || ScheduleRows.View(_row) is not { Status: ScheduleStatus.Active, NextRunAt: { } due } view)
        {
            await UnregisterReminder(reminderName);
            return;
        }

        var now = time.GetUtcNow();
        if (due > now)
        {
            // Early (the retry period, or a clock that differs between silos): wait for the run time.
            await ArmAsync(_row);
            return;
        }

        var (occurrence, missed) = LatestDue(view.Spec, due, now);
        var progress = missed.Aggregate(view.Progress, (p, m) => WithSkip(p, new SkippedRun(m, "missed: no silo was running at that time")));
        var skip = await OverlapAsync(view);
        if (skip is not null)
        {
            progress = WithSkip(progress, new SkippedRun(occurrence, skip));
        }
        else
        {
            var goalId = ScheduledGoals.GoalId(GrainId.Key, occurrence);
            // Through the goal grain, like a goal the operator submits: recorded as an event, listed in the goal index (so
            // ListGoals and the dashboard show it), then started. A tick delivered again submits the same goal id: once.
            await GrainFactory.GetGrain<IGoalGrain>(goalId).Submit(ScheduledGoals.Submission(GrainId.Key, view.Spec.Goal));
            progress = progress with { Runs = progress.Runs + 1, LastRunAt = occurrence, LastGoalId = goalId };
        }

        var next = ScheduleRules.NextRunAfter(view.Spec, Max(occurrence, now), oneOffHasRun: true);
        await UpdateAsync(view with { Status = next is null ? ScheduleStatus.Completed : ScheduleStatus.Active, NextRunAt = next, Progress = progress });
        await ArmAsync(_row);
    }

    // Why this run is skipped under the overlap policy, or null to run it.
    private async Task<string?> OverlapAsync(ScheduleView view)
    {
        if (view.Spec.Overlap == OverlapPolicy.Allow || view.Progress.LastGoalId is not { } previous)
        {
            return null;
        }

        var status = await GrainFactory.GetGrain<ICoordinatorGrain>(previous).Status();
        return status.Phase is GoalPhase.Done or GoalPhase.Failed or GoalPhase.Cancelled
            ? null
            : $"overlap: the previous run's goal {previous} is still {status.Phase}";
    }

    private static (DateTimeOffset Occurrence, List<DateTimeOffset> Missed) LatestDue(ScheduleSpec spec, DateTimeOffset due, DateTimeOffset now)
    {
        var missed = new List<DateTimeOffset>();
        if (spec.Cron is null)
        {
            return (due, missed);
        }

        var cron = CronSchedule.Parse(spec.Cron, spec.TimeZone);
        var occurrence = due;
        for (var i = 0; i < MaxMissedToWalk && cron.NextAfter(occurrence) is { } later && later <= now; i++)
        {
            missed.Add(occurrence);
            occurrence = later;
        }

        return (occurrence, missed);
    }

    private static ScheduleProgress WithSkip(ScheduleProgress progress, SkippedRun skip) => progress with
    {
        SkippedTotal = progress.SkippedTotal + 1,
        Skipped = [.. progress.Skipped.Append(skip).TakeLast(KeptSkips)],
    };

    private async Task ArmAsync(StoredSchedule row)
    {
        if (row.NextRunAt is { } next && row.Status == nameof(ScheduleStatus.Active))
        {
            var due = next - time.GetUtcNow();
            await RegisterOrUpdateReminder(TickReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, RetryPeriod);
        }
        else
        {
            await UnregisterReminder(TickReminder);
        }
    }

    private async Task UpdateAsync(ScheduleView view)
    {
        var saved = await SaveAsync(ScheduleRows.Row(view.ScheduleId, view.Spec, view.Status, view.NextRunAt, view.Progress), _row!.Version);
        if (saved is null)
        {
            // Another activation wrote the row (a moved partition): this one is stale.
            _row = await store.FindScheduleAsync(GrainId.Key);
            DeactivateOnIdle();
            throw new InvalidOperationException($"schedule '{GrainId.Key}' was changed by another writer; try again");
        }
    }

    private async Task<StoredSchedule?> SaveAsync(StoredSchedule row, long? expectedVersion)
    {
        var saved = await store.SaveScheduleAsync(row, expectedVersion, _writer);
        if (saved is not null)
        {
            _row = saved;
        }

        return saved;
    }

    private static bool SameDefinition(ScheduleSpec a, ScheduleSpec b) =>
        ScheduleRows.SpecJson(a) == ScheduleRows.SpecJson(b);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

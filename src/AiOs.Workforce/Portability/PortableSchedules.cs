using System.Text.Json;
using AiOs.Memory;
using AiOs.Persistence.Schedules;
using AiOs.Workforce.Schedules;

namespace AiOs.Workforce.Portability;

/// <summary>Schedules in a portable snapshot: definition and whether paused. Completed schedules are history and stay
/// behind; runs and skips start afresh on the importing instance, from the next time after the import.</summary>
public sealed class PortableSchedules(IGrainFactory grains, IScheduleStore store) : IPortableSource
{
    public const string Kind = "schedule";

    public IReadOnlyList<string> Kinds { get; } = [Kind];

    public async IAsyncEnumerable<PortableRecord> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var statuses = new[] { nameof(ScheduleStatus.Active), nameof(ScheduleStatus.Paused) };
        foreach (var row in await store.ListSchedulesAsync(statuses, cancellationToken).ConfigureAwait(false))
        {
            var view = ScheduleRows.View(row);
            yield return PortableJson.Record(Kind, new Entry(view.ScheduleId, view.Spec, view.Status == ScheduleStatus.Paused));
        }
    }

    public (int Index, string Problem)? Check(IReadOnlyList<PortableRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            Entry entry;
            try
            {
                entry = PortableJson.Read<Entry>(records[i]);
            }
            catch (JsonException exception)
            {
                return (i, $"not a schedule ({exception.Message})");
            }

            var problem = PortableIds.Problem(entry.Id, Kind)
                ?? (entry.Spec is null ? $"schedule '{entry.Id}' has no spec" : null)
                ?? (ScheduleRules.Check(entry.Spec) is { } rule ? $"schedule '{entry.Id}': {rule}" : null)
                ?? (ids.Add(entry.Id) ? null : $"schedule '{entry.Id}' appears twice");
            if (problem is not null)
            {
                return (i, problem);
            }
        }

        return null;
    }

    public async Task<bool> ImportAsync(PortableRecord record, CancellationToken cancellationToken)
    {
        var entry = PortableJson.Read<Entry>(record);
        var grain = grains.GetGrain<IScheduleGrain>(entry.Id);
        var before = await grain.Get().ConfigureAwait(false);
        var created = await grain.Create(entry.Spec).ConfigureAwait(false);
        if (created.Schedule is null)
        {
            throw new PortableConflictException(created.Refusal ?? $"schedule '{entry.Id}' was refused");
        }

        // Paused only when new: an existing schedule's state is the operator's, here.
        if (before is null && entry.Paused)
        {
            await grain.Pause().ConfigureAwait(false);
        }

        return before is null;
    }

    /// <summary>One schedule in a snapshot.</summary>
    private sealed record Entry(string Id, ScheduleSpec Spec, bool Paused);
}

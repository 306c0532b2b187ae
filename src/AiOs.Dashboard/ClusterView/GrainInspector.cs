using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.ClusterView;

/// <summary>One grain as the inspector shows it: its stored states (from storage, which every silo reads), where it is
/// active (asked of every silo, since only the silo holding it knows), its reminders and its latest events. Nothing here
/// activates the grain.</summary>
internal sealed class GrainInspector(SiloRuntime runtime, LocalSilo local, ClusterOverview overview, IServiceProvider services)
{
    private const int RecentEvents = 20;

    public async Task<GrainInspection> InspectAsync(GrainId grain, CancellationToken cancellationToken)
    {
        var browser = services.GetService<IGrainStateBrowser>();
        var reminders = services.GetService<IReminderTable>();
        var log = services.GetService<IEventLog>();

        var states = browser is null ? [] : (await browser.ReadStatesAsync(grain, cancellationToken).ConfigureAwait(false))
            .Select(s => new StateView(s.StateName, s.State.ETag, s.State.WrittenBy, s.State.WrittenAt, s.State.Json is null ? null : Pretty(s.State.Json)))
            .ToList();

        ActiveView? active = null;
        if (runtime.DescribeActivation(grain) is { } here)
        {
            active = new ActiveView(local.SiloId, here.ActiveSince, here.Partition, here.State, here.RunningCalls, here.WaitingCalls);
        }
        else
        {
            var query = $"{ClusterOverview.ActivationPath}?type={Uri.EscapeDataString(grain.Type)}&key={Uri.EscapeDataString(grain.Key)}";
            foreach (var (member, found) in await overview.AskPeersAsync<ActivationDescription>(query, cancellationToken).ConfigureAwait(false))
            {
                if (found is not null)
                {
                    active = new ActiveView(member.SiloId, found.ActiveSince, found.Partition, found.State, found.RunningCalls, found.WaitingCalls);
                    break;
                }
            }
        }

        var reminderViews = reminders is null ? [] : (await reminders.ReadGrainAsync(grain, cancellationToken).ConfigureAwait(false))
            .Select(r => new ReminderView(r.GrainId.Type, r.GrainId.Key, r.Name, r.Period, r.NextDue, r.Partition))
            .ToList();

        var events = new List<EventView>();
        if (log is not null)
        {
            // Streams are read forward; a grain's stream is short enough that skipping to its tail here is fine.
            var revision = 0L;
            while (true)
            {
                var batch = await log.ReadStreamAsync(grain, revision, 500, cancellationToken).ConfigureAwait(false);
                events.AddRange(batch.Select(EventView.From));
                if (events.Count > RecentEvents)
                {
                    events.RemoveRange(0, events.Count - RecentEvents);
                }

                if (batch.Count < 500)
                {
                    break;
                }

                revision = batch[^1].Revision;
            }
        }

        return new GrainInspection(grain.Type, grain.Key, states, active, reminderViews, events);
    }

    private static string Pretty(string json) => DashboardJson.Readable(json, indented: true) ?? json;
}

/// <summary>The inspector's answer. Empty <see cref="States"/> means the grain has no stored state; a null
/// <see cref="Active"/> means no silo has it active.</summary>
public sealed record GrainInspection(string GrainType, string GrainKey, IReadOnlyList<StateView> States, ActiveView? Active,
    IReadOnlyList<ReminderView> Reminders, IReadOnlyList<EventView> Events);

/// <summary>One named state; <see cref="Json"/> null for a cleared row.</summary>
public sealed record StateView(string Name, string ETag, string WrittenBy, DateTimeOffset WrittenAt, string? Json);

/// <summary>Where a grain is active and since when.</summary>
public sealed record ActiveView(string SiloId, DateTimeOffset Since, int Partition, string State, int RunningCalls, int WaitingCalls);

/// <summary>One reminder and when it is next due.</summary>
public sealed record ReminderView(string GrainType, string GrainKey, string Name, TimeSpan Period, DateTimeOffset NextDue, int Partition);

/// <summary>One event of the log.</summary>
public sealed record EventView(long Sequence, DateTimeOffset At, string GrainType, string? GrainKey, string Kind, string? Payload, string Source, string Actor)
{
    public static EventView From(StoredEvent e) =>
        new(e.Sequence, e.OccurredAt, e.StreamType, e.StreamKey, e.Kind, e.Payload is null ? null : DashboardJson.Readable(e.Payload, indented: false) ?? e.Payload,
            e.Provenance.Source, e.Provenance.Actor);
}

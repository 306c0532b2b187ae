using AiOs.Persistence.Ledger;
using AiOs.Workforce.Actions;
using Microsoft.Extensions.Logging;

namespace AiOs.Connectors.Calendar;

/// <summary>Takes <c>calendar.event</c> actions: checks the event and records it as the action's result in the ledger; the
/// feed is the succeeded <c>calendar.event</c> entries of the ledger, so an event exists exactly once, with a UID from its
/// ledger key, and survives restarts with the ledger. Nothing leaves the service, so there is nothing to retry or break.</summary>
public sealed class CalendarConnector(CalendarOptions options, ILogger<CalendarConnector> logger, TimeProvider? time = null) : IConnector, Resilience.IConnectorHealth
{
    public const string Action = "calendar.event";

    private long _events;

    public IReadOnlyList<string> Actions { get; } = [Action];

    public bool AcceptsIdempotencyKey => true;

    public Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (calendarEvent, problem) = CalendarEvent.FromRequest(requestJson, idempotencyKey, options.DefaultDuration, (time ?? TimeProvider.System).GetUtcNow());
        if (calendarEvent is null)
        {
            return Task.FromResult(new ConnectorResult(ConnectorOutcome.Refused, Error: problem));
        }

        Interlocked.Increment(ref _events);
        Log.CalendarEvent(logger, calendarEvent.Uid, options.DryRun ? " (dry run: not in the feed)" : "");
        var json = calendarEvent.ToJson();
        if (options.DryRun)
        {
            json["dryRun"] = true;
        }

        return Task.FromResult(new ConnectorResult(ConnectorOutcome.Succeeded, json.ToJsonString()));
    }

    public Resilience.ConnectorHealthReport Health() => new(
        "calendar", options.DryRun ? Resilience.ConnectorState.DryRun : Resilience.ConnectorState.Healthy, "Closed", 0, null, null, null, Interlocked.Read(ref _events), 0);
}

/// <summary>The feed: the events of succeeded <c>calendar.event</c> actions, newest last, as iCalendar text.</summary>
public sealed class CalendarFeed(IActionLedger ledger, CalendarOptions options)
{
    public async Task<string> RenderAsync(CancellationToken cancellationToken)
    {
        // The ledger is read by status; entries of other actions are skipped. A store query by action would scale better
        // once a silo has many thousands of succeeded actions.
        var succeeded = await ledger.ReadByStatusAsync(ActionStatus.Succeeded, options.MaxEvents * 10, cancellationToken).ConfigureAwait(false);
        var events = succeeded
            .Where(e => e.Action == CalendarConnector.Action && !(e.Result?.Contains("\"dryRun\":true", StringComparison.Ordinal) ?? false))
            .Select(e => CalendarEvent.FromJson(e.Result))
            .OfType<CalendarEvent>()
            .TakeLast(options.MaxEvents);
        return IcsWriter.Write(options.CalendarName, events);
    }
}

using System.Text.Json;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;

namespace AiOs.Persistence.Shared;

/// <summary>What both providers accept as events and ledger entries, checked before any SQL runs so that both refuse the
/// same input with the same words.</summary>
internal static class EventRules
{
    /// <summary>Largest payload or request, in characters.</summary>
    public const int MaxJsonLength = 1 << 20;

    public const int MaxNameLength = 200;

    public static void Validate(NewEvent newEvent)
    {
        ArgumentNullException.ThrowIfNull(newEvent);
        if (newEvent.Stream.IsDefault)
        {
            throw new ArgumentException("The event has no stream (grain id).", nameof(newEvent));
        }

        var where = $"Event {newEvent.Kind} of {newEvent.Stream}";
        if (newEvent.Revision < 1)
        {
            throw new ArgumentException($"{where}: revision {newEvent.Revision} is not valid; a stream's revisions start at 1.", nameof(newEvent));
        }

        RequireName(newEvent.Kind, "kind", $"Event of {newEvent.Stream}", kindCharacters: true);
        ArgumentNullException.ThrowIfNull(newEvent.Provenance);
        RequireName(newEvent.Provenance.Source, "provenance source", where, kindCharacters: false);
        RequireName(newEvent.Provenance.Actor, "provenance actor", where, kindCharacters: false);
        if (newEvent.Provenance.Reference is { } reference)
        {
            RequireName(reference, "provenance reference", where, kindCharacters: false);
        }

        RequireJson(newEvent.Payload, "payload", where);
    }

    public static void Validate(ActionIntent intent, ActionStatus initialStatus)
    {
        ArgumentNullException.ThrowIfNull(intent);
        RequireName(intent.Key, "idempotency key", "Action", kindCharacters: false);
        var where = $"Action '{intent.Key}'";
        RequireName(intent.GoalId, "goal id", where, kindCharacters: false);
        RequireName(intent.TaskId, "task id", where, kindCharacters: false);
        RequireName(intent.Action, "action", where, kindCharacters: false);
        RequireName(intent.Target, "target", where, kindCharacters: false);
        if (intent.Step < 0)
        {
            throw new ArgumentException($"{where}: step {intent.Step} must not be negative.", nameof(intent));
        }

        if (initialStatus is not (ActionStatus.Pending or ActionStatus.AwaitingApproval))
        {
            throw new ArgumentException($"{where}: a new intent starts as Pending or AwaitingApproval, not {initialStatus}.", nameof(initialStatus));
        }

        RequireJson(intent.Request, "request", where);
    }

    public static void Validate(ActionEntry current, ActionTransition transition)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(transition);
        ActionStatusRules.EnsureAllowed(current.Key, current.Status, transition.Status);
        if (transition.Result is { } result)
        {
            RequireJson(result, "result", $"Action '{current.Key}'");
        }

        if (transition.Request is { } request)
        {
            if (current.Status != ActionStatus.AwaitingApproval)
            {
                throw new InvalidOperationException($"Action '{current.Key}': its request can change only while it awaits approval, not when {current.Status}.");
            }

            RequireJson(request, "request", $"Action '{current.Key}'");
        }
    }

    public static void RequireName(string? value, string what, string where, bool kindCharacters)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{where}: the {what} must not be empty.");
        }

        if (value.Length > MaxNameLength)
        {
            throw new ArgumentException($"{where}: the {what} is {value.Length} characters long; the limit is {MaxNameLength}.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"{where}: the {what} contains a control character (U+{(int)c:X4}).");
            }

            if (kindCharacters && !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"{where}: the {what} '{value}' may contain only lowercase ASCII letters, digits, '.', '-' and '_'.");
            }
        }
    }

    public static void RequireJson(string? json, string what, string where)
    {
        if (json is null)
        {
            throw new ArgumentException($"{where}: the {what} is missing; it must be JSON.");
        }

        if (json.Length > MaxJsonLength)
        {
            throw new ArgumentException($"{where}: the {what} is {json.Length} characters long; the limit is {MaxJsonLength}.");
        }

        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{where}: the {what} is not valid JSON ({ex.Message}).", ex);
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOs.Persistence;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Ledger;
using AiOs.Runtime;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Approvals;

/// <summary>An approval item. Its state is the row in <see cref="IApprovalStore"/> (so that lists see it at once); every
/// change is a compare-and-swap on the row's version. A durable reminder watches the deadline: past it the escalation
/// notice goes out through the action ledger (its idempotency key makes it once, across crashes), past the grace period the
/// default action is taken once (the status change is the record of it).</summary>
[GrainType("approval")]
public sealed class ApprovalGrain(
    IApprovalStore store,
    ActionRunner actions,
    SiloRuntime runtime,
    TimeProvider time,
    IOptions<ApprovalOptions> options,
    ILogger<ApprovalGrain> logger) : Grain, IApprovalGrain, IRemindable
{
    /// <summary>Who takes the default action, as recorded in <see cref="ApprovalRecord.DecidedBy"/>.</summary>
    public const string DefaultActor = "default-action";

    private const string DeadlineReminder = "deadline";
    private readonly StorageWriter _writer = new(runtime.SiloId);

    public async Task<ApprovalRecord> Open(ApprovalRecord proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        if (proposal.ApprovalId != GrainId.Key)
        {
            throw new ArgumentException($"approval '{proposal.ApprovalId}' was opened on grain '{GrainId.Key}'");
        }

        var stored = await store.CreateApprovalAsync(proposal, _writer);
        if (!IsSettled(stored))
        {
            await ArmAsync(stored);
        }

        return stored;
    }

    public Task<ApprovalRecord?> Get() => store.ReadApprovalAsync(GrainId.Key);

    public async Task<ApprovalRecord> Decide(ApprovalDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentException.ThrowIfNullOrEmpty(decision.Actor);
        while (true)
        {
            var record = await store.ReadApprovalAsync(GrainId.Key) ?? throw new ApprovalNotFoundException($"there is no approval '{GrainId.Key}'");
            var finalPayload = Check(record, decision);
            if (record.IsDecided)
            {
                return IsSameDecision(record, decision, finalPayload) ? record : throw new ApprovalAlreadyDecidedException(
                    $"approval '{record.ApprovalId}' was already {Describe(record.Status)} by {record.DecidedBy} at " +
                    $"{record.DecidedAt?.ToString("O", CultureInfo.InvariantCulture)}; it cannot also be {Describe(decision.Choice)}");
            }

            var decided = record with
            {
                Status = decision.Choice switch
                {
                    ApprovalChoice.Reject => ApprovalState.Rejected,
                    ApprovalChoice.EditAndApprove => ApprovalState.EditedAndApproved,
                    _ => ApprovalState.Approved,
                },
                DecidedBy = decision.Actor,
                DecidedAt = time.GetUtcNow(),
                DecisionReason = string.IsNullOrWhiteSpace(decision.Reason) ? null : decision.Reason,
                FinalPayload = finalPayload,
            };
            if (await store.UpdateApprovalAsync(decided, _writer) is not { } stored)
            {
                continue;
            }

            await UnregisterReminder(DeadlineReminder);
            if (stored.Kind == ApprovalKind.Action)
            {
                await GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).RecordDecision(stored.ActionKind, stored.Status == ApprovalState.Approved);
            }

            await WakeGoalAsync(stored);
            return stored;
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var record = await store.ReadApprovalAsync(GrainId.Key);
        if (record is null || IsSettled(record))
        {
            await UnregisterReminder(DeadlineReminder);
            return;
        }

        var now = time.GetUtcNow();
        if (now >= record.Deadline && record.EscalatedAt is null)
        {
            record = await EscalateAsync(record);
        }

        if (now >= record.GraceEndsAt && record.EscalatedAt is not null && !IsSettled(record))
        {
            record = await TakeDefaultActionAsync(record);
        }

        if (IsSettled(record))
        {
            await UnregisterReminder(DeadlineReminder);
        }
        else
        {
            await ArmAsync(record);
        }
    }

    // An expired (held) item still waits for the operator but needs no more reminders.
    private static bool IsSettled(ApprovalRecord record) => record.IsDecided || record.Status == ApprovalState.Expired;

    private async Task ArmAsync(ApprovalRecord record)
    {
        var next = record.EscalatedAt is null ? record.Deadline : record.GraceEndsAt;
        var due = next - time.GetUtcNow();
        await RegisterOrUpdateReminder(DeadlineReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, options.Value.DeadlineCheckPeriod);
    }

    private async Task<ApprovalRecord> EscalateAsync(ApprovalRecord record)
    {
        if (options.Value.EscalationAction is { Length: > 0 } action)
        {
            var notice = new JsonObject
            {
                ["kind"] = "approval.escalation",
                ["to"] = options.Value.EscalationRecipient,
                ["subject"] = $"Approval overdue: {record.Summary}",
                ["text"] = $"Approval {record.ApprovalId} ({record.ActionKind}, goal {record.GoalId}) passed its deadline " +
                    $"{record.Deadline.ToString("O", CultureInfo.InvariantCulture)}. Unless decided by {record.GraceEndsAt.ToString("O", CultureInfo.InvariantCulture)}, " +
                    $"the default action is taken: {record.DefaultAction.ToString().ToLowerInvariant()}.",
                ["approval"] = record.ApprovalId,
                ["goal"] = record.GoalId,
            }.ToJsonString();
            var taskId = "escalation/" + record.ApprovalId;
            var intent = new ActionIntent(ActionKey.For(record.GoalId, taskId, 0, action), record.GoalId, taskId, 0, action, "default", notice);

            // The ledger key makes the notice once: after a crash between the send and the status change below, the
            // runner finds the entry settled (or resends with the same idempotency key) instead of sending a second one.
            var outcome = await actions.RunAsync(intent, needsApproval: false, _writer, CancellationToken.None);
            if (!outcome.Done)
            {
                Log.EscalationNotDelivered(logger, record.ApprovalId, outcome.Status.ToString(), outcome.Error);
            }
        }

        return await UpdateAsync(record with { Status = ApprovalState.Escalated, EscalatedAt = time.GetUtcNow() });
    }

    private async Task<ApprovalRecord> TakeDefaultActionAsync(ApprovalRecord record)
    {
        var now = time.GetUtcNow();
        var noDecision = $"no decision by {record.GraceEndsAt.ToString("O", CultureInfo.InvariantCulture)}";
        var next = record.DefaultAction switch
        {
            ApprovalDefault.Reject => record with { Status = ApprovalState.Rejected, DecidedBy = DefaultActor, DecidedAt = now, DecisionReason = $"{noDecision}; default action: reject" },
            ApprovalDefault.Approve when record.RiskClass == "low" && record.Kind == ApprovalKind.Action => record with
            {
                Status = ApprovalState.Approved, DecidedBy = DefaultActor, DecidedAt = now, DecisionReason = $"{noDecision}; default action for a low-risk kind: approve", FinalPayload = record.Payload,
            },
            ApprovalDefault.Approve => record with { Status = ApprovalState.Expired, DecisionReason = $"{noDecision}; held: the default 'approve' applies to low-risk kinds only, and this is {record.RiskClass}" },
            _ => record with { Status = ApprovalState.Expired, DecisionReason = $"{noDecision}; default action: hold for the operator" },
        };
        var stored = await UpdateAsync(next);
        if (stored.IsDecided)
        {
            await WakeGoalAsync(stored);
        }

        return stored;
    }

    private async Task<ApprovalRecord> UpdateAsync(ApprovalRecord next) =>
        await store.UpdateApprovalAsync(next, _writer)
        ?? await store.ReadApprovalAsync(GrainId.Key)
        ?? throw new ApprovalNotFoundException($"approval '{GrainId.Key}' disappeared");

    // Best effort: the coordinator also looks at its waiting approvals on its own reminder, so a lost wake-up only delays.
    private async Task WakeGoalAsync(ApprovalRecord record)
    {
        try
        {
            await GrainFactory.GetGrain<ICoordinatorGrain>(record.GoalId).ApprovalDecided(record.ApprovalId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.WakeFailed(logger, record.GoalId, record.ApprovalId, ex);
        }
    }

    // Validates the decision against the item; returns the payload to send once approved.
    private static string? Check(ApprovalRecord record, ApprovalDecision decision)
    {
        switch (decision.Choice)
        {
            case ApprovalChoice.Reject when string.IsNullOrWhiteSpace(decision.Reason):
                throw new ArgumentException($"rejecting approval '{record.ApprovalId}' needs a reason");
            case ApprovalChoice.Reject:
                return null;
            case ApprovalChoice.EditAndApprove when record.Kind == ApprovalKind.OutcomeUnknown:
                throw new ArgumentException($"approval '{record.ApprovalId}' asks whether to resend an action that may have gone out; it can be approved (resend) or rejected (mark done), not edited");
            case ApprovalChoice.EditAndApprove:
                JsonNode? edited;
                try
                {
                    edited = JsonNode.Parse(decision.EditedPayload ?? "");
                }
                catch (JsonException ex)
                {
                    throw new ArgumentException($"the edited payload of approval '{record.ApprovalId}' is not JSON: {ex.Message}");
                }

                var proposed = JsonNode.Parse(record.Payload);
                return edited?.GetValueKind() != proposed?.GetValueKind()
                    ? throw new ArgumentException($"the edited payload of approval '{record.ApprovalId}' must be a JSON {proposed?.GetValueKind().ToString().ToLowerInvariant()} like the proposed one")
                    : decision.EditedPayload;
            default:
                return record.Payload;
        }
    }

    private static bool IsSameDecision(ApprovalRecord record, ApprovalDecision decision, string? finalPayload) => decision.Choice switch
    {
        ApprovalChoice.Approve => record.Status == ApprovalState.Approved,
        ApprovalChoice.Reject => record.Status == ApprovalState.Rejected,
        _ => record.Status == ApprovalState.EditedAndApproved && record.FinalPayload == finalPayload,
    };

    private static string Describe(ApprovalState status) => status switch
    {
        ApprovalState.EditedAndApproved => "edited and approved",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Describe(ApprovalChoice choice) => choice switch
    {
        ApprovalChoice.EditAndApprove => "edited and approved",
        ApprovalChoice.Reject => "rejected",
        _ => "approved",
    };
}

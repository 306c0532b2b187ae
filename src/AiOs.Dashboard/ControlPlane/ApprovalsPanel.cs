using System.Globalization;
using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Dashboard.Panels;
using AiOs.Persistence.Approvals;
using AiOs.Runtime;
using AiOs.Workforce.Approvals;

namespace AiOs.Dashboard.ControlPlane;

/// <summary>The approvals inbox: undecided items (what will happen, why, the deadline), decided through the same
/// approval grains the API uses, so a decision here wakes the goal exactly as one from the CLI does.</summary>
public sealed class ApprovalsPanel(SiloRuntime runtime, IApprovalStore store) : IDashboardPanel
{
    private const int MaxItems = 200;
    private const int MaxBatch = 100;

    private static readonly DashboardAction Approve = new("approve", "Approve");
    private static readonly DashboardAction Reject = new("reject", "Reject", TakesInput: true, Prefill: "{\"reason\": \"\"}");

    public string Name => "approvals";

    public string Title => "Approvals";

    public async Task<DashboardPanelContent> ReadAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        var items = await store.ListApprovalsAsync(
            new ApprovalQuery([ApprovalState.Pending, ApprovalState.Escalated, ApprovalState.Expired], Limit: MaxItems), cancellationToken).ConfigureAwait(false);
        var rows = items.Select(a => new DashboardPanelRow(a.ApprovalId,
        [
            a.Summary,
            $"{a.ActionKind} ({a.RiskClass} risk)",
            $"{a.PolicyRule}: {a.PolicyReason}",
            a.GoalId,
            a.Deadline.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture),
            a.Status.ToString(),
            DashboardJson.Readable(a.Payload, indented: false) ?? a.Payload,
        ], [Approve, Reject, EditAndApprove(a.Payload)])).ToList();
        return new DashboardPanelContent(["What", "Action", "Why", "Goal", "Deadline", "Status", "Payload"], rows,
            Note: "Reject asks for {\"reason\": \"...\"}; edit and approve starts from the item's payload: change it, and that is what is sent.");
    }

    // The edit box starts with the payload as it stands, laid out one field a line (and characters such as < as themselves:
    // the page writes it as text), so that the operator edits rather than retypes.
    private static DashboardAction EditAndApprove(string payload) =>
        new("edit-and-approve", "Edit and approve", TakesInput: true, Prefill: DashboardJson.Readable(payload, indented: true) ?? payload);

    public async Task<string> ActAsync(ApiCaller caller, string action, IReadOnlyList<string> rowIds, JsonElement? input, CancellationToken cancellationToken)
    {
        if (rowIds.Count > MaxBatch)
        {
            throw new DashboardActionException($"at most {MaxBatch} approvals at once; got {rowIds.Count}");
        }

        var decision = action switch
        {
            "approve" => new ApprovalDecision(ApprovalChoice.Approve, caller.Actor),
            "reject" => new ApprovalDecision(ApprovalChoice.Reject, caller.Actor, ReasonOf(input)),
            "edit-and-approve" => new ApprovalDecision(ApprovalChoice.EditAndApprove, caller.Actor, "edited in the dashboard", PayloadOf(input)),
            _ => throw new DashboardActionException($"unknown action '{action}': use approve, reject or edit-and-approve"),
        };

        var refused = new List<string>();
        foreach (var id in rowIds)
        {
            try
            {
                await runtime.GrainFactory.GetGrain<IApprovalGrain>(id).Decide(decision).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ApprovalNotFoundException or ApprovalAlreadyDecidedException or ArgumentException)
            {
                refused.Add($"{id}: {ex.Message}");
            }
        }

        var done = rowIds.Count - refused.Count;
        var verb = action switch { "reject" => "rejected", "edit-and-approve" => "edited and approved", _ => "approved" };
        var summary = $"{done} of {rowIds.Count} {verb}.";
        return refused.Count == 0 ? summary
            : done == 0 ? throw new DashboardActionException(string.Join("; ", refused))
            : summary + " Refused: " + string.Join("; ", refused);
    }

    private static string ReasonOf(JsonElement? input)
    {
        var reason = input switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String => r.GetString(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(reason)
            ? throw new DashboardActionException("a rejection needs a reason: give {\"reason\": \"...\"}")
            : reason;
    }

    private static string PayloadOf(JsonElement? input) => input is { ValueKind: JsonValueKind.Object } payload
        ? payload.GetRawText()
        : throw new DashboardActionException("edit and approve needs the payload to send, as a JSON object");
}

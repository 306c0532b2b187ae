using System.Globalization;
using System.Text.Json.Nodes;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Ledger;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Policies;

namespace AiOs.Workforce.Roles;

// A task's external actions: each gets a logged policy decision (once per ledger key: a resumed task finds the first
// one), then runs (auto), stops the task (refused), or waits for an approval item. Every step below is idempotent and
// keyed by the action's ledger key, so that a crash anywhere resumes at the same place and the action is taken once.
public sealed partial class RoleTaskGrain
{
    private const string RoleAutonomyRule = "role-autonomy";

    // Null when the action is done (go on with the next); otherwise the task's answer for now: waiting or refused.
    private async Task<RoleResult?> ActAsync(RoleContract contract, RoleTask task, RoleResult result, int step, string action)
    {
        var key = ActionKey.For(task.GoalId, task.TaskId, step, action);
        var customer = task.CustomerId is { } customerId ? (await GrainFactory.GetGrain<ICustomerGrain>(customerId).Get())?.Value : null;
        var request = new JsonObject { ["goal"] = task.GoalId, ["task"] = task.TaskId, ["customer"] = task.CustomerId, ["text"] = result.Output };
        if (customer?.Email is { } email)
        {
            request["to"] = email;
        }

        var intent = new ActionIntent(key, task.GoalId, task.TaskId, step, action, "default", request.ToJsonString());
        var entry = await ledger.ReadAsync(key);
        PolicyDecision? terms = null;
        if (entry is null)
        {
            var (decision, logged) = await DecideAsync(contract, task, result, intent, customer);
            switch (logged.Outcome)
            {
                case PolicyVerdict.Refused:
                    return result with { Refusal = $"policy rule '{logged.Rule}' refused {action}: {logged.Reason}" };
                case PolicyVerdict.NeedsApproval:
                    entry = await ledger.RecordIntentAsync(intent, ActionStatus.AwaitingApproval, _writer);
                    terms = decision with { Rule = logged.Rule, Reason = logged.Reason };
                    break;
            }
        }

        if (entry is { Status: ActionStatus.AwaitingApproval })
        {
            var approval = await ApprovalFor(entry, task, result, customer, terms);
            if (!approval.IsDecided)
            {
                return result with { AwaitingApproval = approval.ApprovalId };
            }

            if (!approval.IsApproved)
            {
                await ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Rejected, Resolution: $"rejected by {approval.DecidedBy}"), _writer);
                return result with { Refusal = $"{action} was rejected by {approval.DecidedBy}: {approval.DecisionReason}" };
            }

            // The approved payload (the operator's edit, if any) becomes the request; a lost race re-reads on the next try.
            _ = await ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Pending, Request: approval.FinalPayload), _writer)
                ?? throw new RoleTaskFailedException($"action {key} changed while its approval was applied; it is re-read on the next attempt");
        }

        if (entry is { Status: ActionStatus.OutcomeUnknown } unknown)
        {
            return await SettleUnknownAsync(unknown, task, result);
        }

        var outcome = await actions.RunAsync(intent, needsApproval: false, _writer, CancellationToken.None);
        if (outcome.Status == ActionStatus.OutcomeUnknown)
        {
            return await SettleUnknownAsync((await ledger.ReadAsync(key))!, task, result);
        }

        return outcome.Done
            ? null
            : throw new RoleTaskFailedException($"action {action} of task {task.TaskId} is {outcome.Status}: {outcome.Error ?? "not settled"}");
    }

    private async Task<(PolicyDecision Decision, PolicyDecisionRecord Logged)> DecideAsync(
        RoleContract contract, RoleTask task, RoleResult result, ActionIntent intent, Customer? customer)
    {
        var snapshot = await GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).Get();
        var policy = policies.For(snapshot);
        var request = JsonNode.Parse(intent.Request)!;
        var recipient = request["to"]?.GetValue<string>();
        decimal? amount = request["amount"] is JsonValue value && value.TryGetValue<decimal>(out var number) ? number : null;
        var facts = new PolicyFacts(
            intent.Action,
            amount,
            recipient,
            recipient is not null && !await approvals.HasRecipientAsync(recipient, intent.Key),
            task.CustomerId is not null,
            customer?.Tier,
            result.Confidence,
            time.GetUtcNow());
        var decision = policy.Decide(facts);
        if (decision.Outcome == PolicyVerdict.Auto && contract.Autonomy == AutonomyLevel.ActWithApproval)
        {
            decision = decision with
            {
                Outcome = PolicyVerdict.NeedsApproval,
                Rule = RoleAutonomyRule,
                Reason = $"role '{contract.Name}' acts only with approval; rule '{decision.Rule}' would have let it run",
            };
        }

        var logged = await approvals.RecordPolicyDecisionAsync(new PolicyDecisionRecord(
            intent.Key, task.GoalId, task.TaskId, intent.Action, decision.Outcome, decision.Rule, decision.Reason, recipient,
            snapshot.Version.ToString(CultureInfo.InvariantCulture), time.GetUtcNow()), _writer);
        return (decision, logged);
    }

    // The approval item of an action awaiting approval: found by its id (derived from the ledger key), or opened now.
    private async Task<ApprovalRecord> ApprovalFor(ActionEntry entry, RoleTask task, RoleResult result, Customer? customer, PolicyDecision? decision)
    {
        var id = "apr-" + entry.Key["act-".Length..];
        var grain = GrainFactory.GetGrain<IApprovalGrain>(id);
        if (await grain.Get() is { } existing)
        {
            return existing;
        }

        if (decision is null)
        {
            // Resumed after a crash between the intent and the item: decide the terms again from the logged decision.
            var snapshot = await GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).Get();
            var policy = policies.For(snapshot);
            var logged = (await approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(task.GoalId, [])))
                .FirstOrDefault(d => d.ActionKey == entry.Key);
            decision = new PolicyDecision(PolicyVerdict.NeedsApproval, logged?.Rule ?? "unknown", logged?.Reason ?? "", policy.RiskOf(entry.Action), policy.Terms);
        }

        var now = time.GetUtcNow();
        var deadline = now + decision.Terms.Deadline;
        var to = customer?.Email ?? task.CustomerId ?? "no recipient";
        var excerpt = result.Output.Length <= 140 ? result.Output : result.Output[..140] + "…";
        List<string> sources = [.. (task.Inputs ?? new Dictionary<string, string>()).Keys.Select(k => $"task:{k}")];
        if (task.CustomerId is { } customerId)
        {
            sources.Insert(0, $"customer:{customerId}");
        }

        return await grain.Open(new ApprovalRecord(
            id, ApprovalKind.Action, task.GoalId, task.TaskId, entry.Key, entry.Action, decision.RiskClass,
            $"{entry.Action} to {to}: \"{excerpt}\"", entry.Request, decision.Rule, decision.Reason, result.Confidence, sources,
            ApprovalState.Pending, now, deadline, deadline + decision.Terms.Grace, decision.Terms.Default));
    }

    // Issue 4's "outcome unknown: resend or mark done" as an approval item: approve resends (with the same key), reject
    // marks it done without sending. One question per attempt count, so that a resend whose outcome is again unknown asks
    // again instead of reusing the old answer.
    private async Task<RoleResult?> SettleUnknownAsync(ActionEntry entry, RoleTask task, RoleResult result)
    {
        var id = $"unk-{entry.Key["act-".Length..]}-{entry.Attempts.ToString(CultureInfo.InvariantCulture)}";
        var grain = GrainFactory.GetGrain<IApprovalGrain>(id);
        var question = await grain.Get();
        if (question is null)
        {
            var now = time.GetUtcNow();
            var snapshot = await GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).Get();
            var policy = policies.For(snapshot);
            var hold = new ApprovalTerms(policy.Terms.Deadline, policy.Terms.Grace, ApprovalDefault.Hold);
            question = await grain.Open(new ApprovalRecord(
                id, ApprovalKind.OutcomeUnknown, task.GoalId, task.TaskId, entry.Key, entry.Action, policy.RiskOf(entry.Action),
                $"outcome unknown: {entry.Action} may have gone out ({entry.Error}). Approve to resend it, reject to mark it done without sending.",
                entry.Request, "outcome-unknown", entry.Error ?? "the connector cannot tell whether it was delivered", result.Confidence, [$"ledger:{entry.Key}"],
                ApprovalState.Pending, now, now + hold.Deadline, now + hold.Deadline + hold.Grace, hold.Default));
        }

        if (!question.IsDecided)
        {
            return result with { AwaitingApproval = question.ApprovalId };
        }

        if (question.IsApproved)
        {
            var outcome = await actions.ResendAsync(entry, _writer, CancellationToken.None);
            return outcome.Done ? null
                : outcome.Status == ActionStatus.OutcomeUnknown ? await SettleUnknownAsync((await ledger.ReadAsync(entry.Key))!, task, result)
                : throw new RoleTaskFailedException($"action {entry.Action} of task {task.TaskId} is {outcome.Status} after the resend: {outcome.Error}");
        }

        _ = await ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Succeeded, Resolution: $"marked done by {question.DecidedBy}"), _writer)
            ?? throw new RoleTaskFailedException($"action {entry.Key} changed while it was marked done; it is re-read on the next attempt");
        return null;
    }
}

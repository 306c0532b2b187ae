namespace AiOs.Persistence.Ledger;

/// <summary>An external action about to be taken, written to the ledger before any call.</summary>
/// <param name="Key">The idempotency key: deterministic from goal, task, step and action, so that the same action of the
/// same step always has the same key, and connectors that accept idempotency keys get it with every call.</param>
/// <param name="GoalId">The goal the action serves.</param>
/// <param name="TaskId">The task that asked for it.</param>
/// <param name="Step">The action's position among its task's actions (0, 1, ...).</param>
/// <param name="Action">What to do, e.g. <c>webhook.post</c> or <c>email.send</c>.</param>
/// <param name="Target">The configured connector to do it with, e.g. <c>crm</c>.</param>
/// <param name="Request">The request as JSON: what will be sent.</param>
public sealed record ActionIntent(string Key, string GoalId, string TaskId, int Step, string Action, string Target, string Request);

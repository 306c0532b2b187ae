using System.Globalization;
using System.Reflection;
using System.Text.Json;
using AiOs.Persistence;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Events;
using AiOs.Persistence.Spend;
using AiOs.Workforce;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Models;
using AiOs.Workforce.Roles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiOs.Dashboard.ControlPlane;

/// <summary>What a goal did, from what was stored as it ran: its steps (the checkpoint's tasks with their timings), its
/// model calls with their cost (the spend store's rows of the goal), the policy decisions on its side effects (the
/// decision log), and the memory items each task's prompt included (the task's completion event, or its draft while it
/// waits for an approval). Read from storage only: opening a finished goal activates nothing.</summary>
internal sealed class GoalHistory(IServiceProvider services, IOptions<ModelOptions> models)
{
    private const int MaxCalls = 500;
    private const int MaxDecisions = 200;
    private const double MicrosPerUnit = 1_000_000;

    private static readonly string RoleTaskType = typeof(RoleTaskGrain).GetCustomAttribute<GrainTypeAttribute>()!.Name;

    public async Task<GoalHistoryView?> ReadAsync(string goalId, CancellationToken cancellationToken)
    {
        if (services.GetService<IGrainStateBrowser>() is not { } browser
            || await ReadCheckpointAsync(browser, goalId, cancellationToken).ConfigureAwait(false) is not { } goal)
        {
            return null;
        }

        var steps = new List<StepView>();
        var memory = new List<MemoryUseView>();
        foreach (var task in goal.Tasks)
        {
            var result = await ReadResultAsync(browser, goalId, task.Task.Id, cancellationToken).ConfigureAwait(false);
            steps.Add(new StepView(task.Task.Id, task.Task.Role, task.Task.Instructions, task.Phase.ToString(), task.Attempts, task.StartedAt, task.EndedAt,
                task.Tier?.ToString() ?? result?.Tier.ToString(), result?.Confidence, task.LastError, task.ApprovalId, task.Task.Actions ?? [],
                result?.ModelHistory ?? []));
            if (result?.Memory is { Count: > 0 } lines)
            {
                memory.Add(new MemoryUseView(task.Task.Id, task.Task.Role, lines));
            }
        }

        var calls = services.GetService<ISpendStore>() is { } spend
            ? await spend.ListGoalCallsAsync(goalId, MaxCalls, cancellationToken).ConfigureAwait(false)
            : [];
        var decisions = services.GetService<IApprovalStore>() is { } approvals
            ? await approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goalId, [], Limit: MaxDecisions), cancellationToken).ConfigureAwait(false)
            : [];
        var currency = models.Value.Currency;
        return new GoalHistoryView(
            goalId,
            steps,
            [.. calls.Select(c => new ModelCallView(c.At, c.Subject.TaskId, c.Subject.Role, c.Model, c.InputTokens, c.OutputTokens, c.CostMicros, Money(c.CostMicros, currency)))],
            calls.Sum(c => c.CostMicros),
            Money(calls.Sum(c => c.CostMicros), currency),
            [.. decisions.OrderBy(d => d.Sequence).Select(d => new PolicyDecisionView(d.DecidedAt, d.TaskId, d.ActionKind, d.Outcome.ToString(), d.Rule, d.Reason, d.Recipient,
                d.PolicyVersion))],
            memory);
    }

    private static async Task<GoalState?> ReadCheckpointAsync(IGrainStateBrowser browser, string goalId, CancellationToken cancellationToken)
    {
        var states = await browser.ReadStatesAsync(new GrainId(GoalsBoard.CoordinatorType, goalId), cancellationToken).ConfigureAwait(false);
        var json = states.FirstOrDefault(s => s.StateName == "goal")?.State.Json;
        return json is null ? null : Parse<GoalState>(json) is { Request: not null } goal ? goal : null;
    }

    // A completed task's result is its one completion event; a task waiting for an approval keeps its answer (and the memory
    // it used) in its draft until then.
    private async Task<RoleResult?> ReadResultAsync(IGrainStateBrowser browser, string goalId, string taskId, CancellationToken cancellationToken)
    {
        var grain = new GrainId(RoleTaskType, $"{goalId}/{taskId}");
        if (services.GetService<IEventLog>() is { } events
            && (await events.ReadStreamAsync(grain, 0, 1, cancellationToken).ConfigureAwait(false)) is [{ Payload: { } payload }])
        {
            return Parse<RoleResult>(payload);
        }

        var draft = (await browser.ReadStatesAsync(grain, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.StateName == "draft")?.State.Json;
        return draft is null ? null : Parse<RoleTaskDraft>(draft)?.Result;
    }

    // One unreadable row must not hide the rest of the page.
    private static T? Parse<T>(string json)
        where T : class
    {
        try
        {
            return WorkforceJson.Deserialize<T>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Money(long micros, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{micros / MicrosPerUnit:0.00####} {currency}");
}

/// <summary>A goal's history for its page.</summary>
public sealed record GoalHistoryView(
    string GoalId,
    IReadOnlyList<StepView> Steps,
    IReadOnlyList<ModelCallView> ModelCalls,
    long TotalCostMicros,
    string TotalCost,
    IReadOnlyList<PolicyDecisionView> PolicyDecisions,
    IReadOnlyList<MemoryUseView> Memory);

/// <summary>A task of the goal: its state, timings, the tier and confidence of its answer, and what happened on each tier tried.</summary>
public sealed record StepView(
    string TaskId,
    string Role,
    string Instructions,
    string Phase,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Tier,
    double? Confidence,
    string? LastError,
    string? ApprovalId,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> ModelHistory);

/// <summary>One model call made for the goal, as the spend store recorded it.</summary>
public sealed record ModelCallView(DateTimeOffset At, string? TaskId, string? Role, string Model, long InputTokens, long OutputTokens, long CostMicros, string Cost);

/// <summary>A logged policy decision on one of the goal's side effects, naming the rule that decided it.</summary>
public sealed record PolicyDecisionView(DateTimeOffset At, string TaskId, string Action, string Outcome, string Rule, string Reason, string? Recipient, string PolicyVersion);

/// <summary>The memory items a task's prompt included, each as text with its kind, id, scope and provenance.</summary>
public sealed record MemoryUseView(string TaskId, string Role, IReadOnlyList<string> Items);

using System.Reflection;
using System.Text.Json.Nodes;
using AiOs.Persistence;
using AiOs.Runtime;
using AiOs.Workforce.Coordinator;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.ControlPlane;

/// <summary>Goals as the operator sees them. The board lists the coordinators that have stored a goal, reading their
/// checkpoints from storage (listing must not activate every goal ever submitted); opening one asks its coordinator
/// grain for its live status and draws the plan from its checkpoint.</summary>
internal sealed class GoalsBoard(SiloRuntime runtime, IServiceProvider services)
{
    /// <summary>The coordinator's grain type name, from its class, so that a rename cannot go unnoticed here.</summary>
    public static readonly string CoordinatorType = typeof(CoordinatorGrain).GetCustomAttribute<GrainTypeAttribute>()!.Name;

    private const string GoalState = "goal";
    private const int MaxGoals = 200;

    public async Task<IReadOnlyList<GoalCard>?> ListAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IGrainStateBrowser>() is not { } browser)
        {
            return null;
        }

        var cards = new List<GoalCard>();
        foreach (var key in await browser.ListKeysAsync(CoordinatorType, MaxGoals, cancellationToken).ConfigureAwait(false))
        {
            var states = await browser.ReadStatesAsync(new GrainId(CoordinatorType, key), cancellationToken).ConfigureAwait(false);
            if (states.FirstOrDefault(s => s.StateName == GoalState) is { State.Json: { } json } row && Parse(key, json, row.State.WrittenAt) is { } card)
            {
                cards.Add(card);
            }
        }

        return cards;
    }

    public async Task<GoalDetail?> OpenAsync(string goalId, CancellationToken cancellationToken)
    {
        var grain = new GrainId(CoordinatorType, goalId);
        var browser = services.GetService<IGrainStateBrowser>();
        var stored = browser is null ? null
            : (await browser.ReadStatesAsync(grain, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.StateName == GoalState);
        if (stored?.State.Json is not { } json || Parse(goalId, json, stored.State.WrittenAt) is not { } card)
        {
            return null;
        }

        // The live status comes from the goal's own grain: the checkpoint may lag a running step.
        var status = await runtime.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Status().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GoalDetail(card with { Phase = status.Phase.ToString(), TasksDone = status.TasksDone, TasksTotal = status.TasksTotal, Escalation = status.Escalation },
            status.History, status.Outputs);
    }

    public async Task<string> CancelAsync(string goalId, CancellationToken cancellationToken)
    {
        var status = await runtime.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Cancel().WaitAsync(cancellationToken).ConfigureAwait(false);
        return status.Phase.ToString();
    }

    // The checkpoint is read as JSON rather than as GoalState: a board that cannot show one odd goal still shows the rest.
    private static GoalCard? Parse(string goalId, string json, DateTimeOffset updatedAt)
    {
        if (JsonNode.Parse(json) is not JsonObject goal)
        {
            return null;
        }

        var tasks = (goal["tasks"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(t => new PlanTask(
                Text(t["task"]?["id"]) ?? "?",
                Text(t["task"]?["role"]) ?? "",
                Text(t["task"]?["instructions"]) ?? "",
                (t["task"]?["dependsOn"] as JsonArray ?? []).Select(d => Text(d) ?? "").Where(d => d.Length > 0).ToList(),
                Text(t["phase"]) ?? "Pending",
                (int?)t["attempts"] ?? 0,
                Text(t["lastError"])))
            .ToList();
        return new GoalCard(
            goalId,
            Text(goal["request"]?["text"]) ?? "",
            Text(goal["phase"]) ?? "Planning",
            tasks.Count(t => t.Phase == nameof(TaskPhase.Done)),
            tasks.Count,
            Text(goal["escalation"]),
            updatedAt,
            tasks);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value ? value.ToString() : null;
}

/// <summary>A goal on the board.</summary>
public sealed record GoalCard(string GoalId, string Text, string Phase, int TasksDone, int TasksTotal, string? Escalation, DateTimeOffset UpdatedAt, IReadOnlyList<PlanTask> Plan);

/// <summary>A task of a goal's plan and its state.</summary>
public sealed record PlanTask(string Id, string Role, string Instructions, IReadOnlyList<string> DependsOn, string Phase, int Attempts, string? LastError);

/// <summary>An opened goal: its card with live status, and its history.</summary>
public sealed record GoalDetail(GoalCard Goal, IReadOnlyList<string> History, IReadOnlyDictionary<string, string?> Outputs);

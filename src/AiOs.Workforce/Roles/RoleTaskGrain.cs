using System.Text.Json;
using System.Text.Json.Nodes;
using AiOs.Memory;
using AiOs.Persistence;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Persistence.Memory;
using AiOs.Persistence.Spend;
using AiOs.Runtime;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Policies;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Roles;

/// <summary>Does one task for a role: checks the contract, assembles the context (the task, its inputs, the customer it
/// names, the customer's recent events, the role's notes, what memory holds for it), calls the model (tools, tiering), takes the task's external
/// actions through the ledger, and records the result as the task's one completion event.</summary>
[GrainType("role-task")]
public sealed partial class RoleTaskGrain(
    [PersistentState("draft")] IPersistentState<RoleTaskDraft> draft,
    RoleDirectory roles,
    ModelCatalog models,
    ActionRunner actions,
    IActionLedger ledger,
    IApprovalStore approvals,
    PolicyBook policies,
    IEventLog events,
    SiloRuntime runtime,
    TimeProvider time,
    IOptions<WorkforceOptions> options,
    MemoryService memory,
    PlaybookCatalog playbooks) : Grain, IRoleTaskGrain
{
    private const string CompletedKind = "role-task.completed";
    private readonly StorageWriter _writer = new(runtime.SiloId);
    private RoleResult? _result;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await events.ReadStreamAsync(GrainId, 0, 1, cancellationToken);
        _result = stored.Count == 1 && stored[0].Payload is { } payload ? WorkforceJson.Deserialize<RoleResult>(payload) : null;
    }

    public Task<RoleResult?> Result() => Task.FromResult(_result);

    public async Task<RoleResult> Execute(RoleTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (_result is not null)
        {
            return _result;
        }

        var started = draft.State.StartedAt ?? time.GetUtcNow();
        var contract = roles.Find(task.Role);
        var refusal = contract is null ? $"there is no role '{task.Role}'" : Refusal(contract, task);
        var result = refusal is not null
            ? new RoleResult("", 0, contract?.Tier ?? ModelTier.Small, refusal)
            : await WorkAsync(contract!, task, started);

        // Waiting for an approval is not done: the task runs again once the approval is decided.
        return result.AwaitingApproval is not null ? result : await CompleteAsync(task, result with { StartedAt = started });
    }

    private static string? Refusal(RoleContract contract, RoleTask task)
    {
        foreach (var action in task.Actions ?? [])
        {
            if (!(contract.Actions ?? []).Contains(action, StringComparer.Ordinal))
            {
                return $"role '{contract.Name}' may not take action '{action}' (allowed: {string.Join(", ", contract.Actions ?? ["none"])})";
            }

            if (contract.Autonomy == AutonomyLevel.Suggest)
            {
                return $"role '{contract.Name}' only suggests; it takes no external action such as '{action}'";
            }
        }

        return null;
    }

    private async Task<RoleResult> WorkAsync(RoleContract contract, RoleTask task, DateTimeOffset started)
    {
        // The model's answer is kept until the task completes, so that a task that waited for an approval (or was retried
        // after an action failed) acts on the very text the operator saw, without asking the model again.
        var result = draft.State.Result ?? await DraftAsync(contract, task);
        if (result.Refused)
        {
            return result;
        }

        if (draft.State.Result is null && (task.Actions ?? []).Count > 0)
        {
            draft.State.Result = result;
            draft.State.StartedAt = started;
            await draft.WriteStateAsync();
        }

        for (var step = 0; step < (task.Actions ?? []).Count; step++)
        {
            if (await ActAsync(contract, task, result, step, task.Actions![step]) is { } stop)
            {
                return stop;
            }
        }

        return result;
    }

    private async Task<RoleResult> DraftAsync(RoleContract contract, RoleTask task)
    {
        if (contract.TaskKind == "none")
        {
            return new RoleResult(task.Instructions, 1, contract.Tier);
        }

        var (prompt, scope, remembered) = await ContextAsync(task, contract);
        var estimatedTokens = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (estimatedTokens > contract.BudgetTokens)
        {
            return new RoleResult("", 0, contract.Tier, $"the task needs about {estimatedTokens} input tokens; role '{contract.Name}' may use {contract.BudgetTokens}");
        }

        if (task.Deadline is { } deadline && time.GetUtcNow() > deadline)
        {
            throw new GoalDeadlinePassedException($"task {task.TaskId} of goal {task.GoalId} was not started: the goal's deadline {deadline:u} has passed");
        }

        var tools = WorkforceTools.For(GrainFactory, contract.Tools ?? [], task, time, playbooks);
        var subject = new SpendSubject(task.GoalId, task.TaskId, task.Role, task.CustomerId);
        var outcome = await TieredCompletion.RunAsync(models, task.Tier ?? contract.Tier, contract.ConfidenceThreshold,
            (client, ct) =>
            {
                var chatOptions = new ChatOptions { ResponseFormat = ChatResponseFormat.Json }.With(ModelCallContext.TaskKind, contract.TaskKind).For(subject);
                if (scope is not null)
                {
                    chatOptions.With(ModelCallContext.CacheScope, scope);
                }

                List<ChatMessage> messages =
                [
                    new(ChatRole.System, $"You are the {contract.Name} of a one-person company. You accept {contract.Accepts} and return {contract.Returns}. " +
                        "Answer with JSON: {\"output\": string, \"confidence\": number between 0 and 1}."),
                    new(ChatRole.User, prompt),
                ];
                return ToolCallingLoop.RunAsync(client, messages, chatOptions, tools, options.Value.MaxToolRounds, ct);
            },
            Judge,
            CancellationToken.None,
            contract.SmallTierOnBudget);
        return outcome.Succeeded
            ? new RoleResult(outcome.Value!, outcome.Confidence, outcome.Tier, ModelHistory: outcome.History, Memory: remembered.Lines())
            : throw new RoleTaskFailedException($"task {task.TaskId} of goal {task.GoalId}: no usable answer ({string.Join("; ", outcome.History)})");
    }

    private async Task<(string Prompt, string? CacheScope, MemoryContext Memory)> ContextAsync(RoleTask task, RoleContract contract)
    {
        var context = new JsonObject { ["instructions"] = task.Instructions };
        if (task.Inputs is { Count: > 0 } inputs)
        {
            context["inputs"] = JsonSerializer.SerializeToNode(inputs, WorkforceJson.Options);
        }

        string? scope = null;
        if (task.CustomerId is { } customerId)
        {
            var customer = await GrainFactory.GetGrain<ICustomerGrain>(customerId).Get();
            context["customer"] = customer is null ? null : JsonSerializer.SerializeToNode(customer.Value, WorkforceJson.Options);
            var stream = await events.ReadStreamAsync(new GrainId(EntityTypes.Customer, customerId), Math.Max(0, (customer?.Revision ?? 0) - 5), 5);
            context["recentEvents"] = new JsonArray([.. stream.Select(e => (JsonNode)JsonValue.Create(e.Kind)!)]);
        }

        var notes = await GrainFactory.GetGrain<IAgentRoleGrain>(task.Role).Notes();
        if (notes.Count > 0)
        {
            context["notes"] = new JsonArray([.. notes.Select(n => (JsonNode)JsonValue.Create(n)!)]);
        }

        // What memory holds for this role about the customer, the role and the business, within a quarter of the role's
        // budget. The cache scope is the customer's memory version: a new item about them is never answered from before.
        MemoryScope[] scopes = task.CustomerId is { } id ? [MemoryScope.Customer(id), MemoryScope.Role(task.Role), MemoryScope.Business] : [MemoryScope.Role(task.Role), MemoryScope.Business];
        var remembered = await memory.BuildContextAsync(scopes, task.Instructions, contract.BudgetTokens / 4, new MemoryFilter(Role: task.Role));
        if (remembered.Items.Count > 0)
        {
            context["memory"] = new JsonArray([.. remembered.Items.Select(h => (JsonNode)JsonValue.Create(h.Item.Text)!)]);
        }

        if (task.CustomerId is { } customerKey)
        {
            scope = ModelCallContext.Scope(customerKey, remembered.Versions[MemoryScope.Customer(customerKey)]);
        }

        return (context.ToJsonString(WorkforceJson.Options), scope, remembered);
    }

    private static ModelVerdict<string> Judge(ChatResponse response)
    {
        try
        {
            var node = JsonNode.Parse(response.Text) as JsonObject;
            var output = node?["output"]?.GetValue<string>();
            var confidence = node?["confidence"]?.GetValue<double>();
            return output is null || confidence is null or < 0 or > 1
                ? new ModelVerdict<string>(null, 0, "the answer lacks \"output\" or a \"confidence\" between 0 and 1")
                : new ModelVerdict<string>(output, confidence.Value, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return new ModelVerdict<string>(null, 0, $"the answer is not the JSON asked for ({ex.Message})");
        }
    }

    private async Task<RoleResult> CompleteAsync(RoleTask task, RoleResult result)
    {
        var provenance = new EventProvenance("goal", $"agent:{task.Role}", $"goal/{task.GoalId}/task/{task.TaskId}");
        var completion = new NewEvent(GrainId, 1, CompletedKind, WorkforceJson.Serialize(result), provenance, time.GetUtcNow());
        try
        {
            await events.AppendAsync(completion, _writer);
            _result = result;
        }
        catch (EventStreamConflictException)
        {
            // Another activation completed it first (a moved partition): its result is the task's result.
            await OnActivateAsync(CancellationToken.None);
        }

        if (draft.State.Result is not null)
        {
            await draft.ClearStateAsync();
        }

        return _result!;
    }
}

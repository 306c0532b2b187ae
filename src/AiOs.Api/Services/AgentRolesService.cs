using System.Text.RegularExpressions;
using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Events;
using AiOs.Persistence.Spend;
using AiOs.Workforce.Models;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using AiOs.Workforce;
using AiOs.Workforce.Roles;
using WorkforceTier = AiOs.Workforce.Models.ModelTier;
using WorkforceAutonomy = AiOs.Workforce.Roles.AutonomyLevel;

namespace AiOs.Api.Services;

/// <summary>aios.v1.AgentRoles: the roles of this silo's directory (built in, configured, and defined at run time, which
/// the role catalog grain keeps for the cluster); stats from the role tasks' completion events and the spend records.</summary>
internal sealed partial class AgentRolesService(
    RoleDirectory roles, IGrainFactory grains, IEventLog events, ISpendStore spend, IOptions<ModelOptions> models, TimeProvider time) : IGrpcService
{
    // Stats read the most recent events of the log only, so that a call stays cheap however long the log grows.
    private const int StatsWindow = 50_000;

    // Tools a role may name (WorkforceTools); anything with a dot is a connector action such as email.send.
    private static readonly IReadOnlyList<string> KnownTools = WorkforceTools.Names;

    public void Bind(ServiceBinder binder)
    {
        var service = AgentRolesReflection.Descriptor.Services[0];
        binder.Unary<ListAgentRolesRequest, ListAgentRolesResponse>(service, "ListAgentRoles", ListAsync);
        binder.Unary<GetAgentRoleRequest, AgentRole>(service, "GetAgentRole", GetAsync);
        binder.Unary<DefineAgentRoleRequest, AgentRole>(service, "DefineAgentRole", DefineAsync);
        binder.Unary<GetAgentRoleStatsRequest, AgentRoleStats>(service, "GetAgentRoleStats", StatsAsync);
    }

    private async Task<ListAgentRolesResponse> ListAsync(ListAgentRolesRequest request, ServerCallContext call)
    {
        var defined = await DefinedAsync().ConfigureAwait(false);
        var response = new ListAgentRolesResponse();
        response.Roles.AddRange(roles.All.Select(r => ToContract(r, defined.GetValueOrDefault(r.Name))));
        return response;
    }

    private async Task<AgentRole> GetAsync(GetAgentRoleRequest request, ServerCallContext call)
    {
        var name = Fields.Id("name", request.Name);
        var defined = await DefinedAsync().ConfigureAwait(false);
        var contract = roles.Find(name) ?? defined.GetValueOrDefault(name)?.Contract ?? throw Fields.NotFound("agent role", name);
        return ToContract(contract, defined.GetValueOrDefault(name));
    }

    private async Task<AgentRole> DefineAsync(DefineAgentRoleRequest request, ServerCallContext call)
    {
        var given = request.Role ?? throw Fields.Invalid("role", "is required");
        var name = given.Name.Trim();
        if (!RoleName().IsMatch(name))
        {
            throw Fields.Invalid("role.name", $"'{given.Name}' is not a role name: use 1 to 40 lower-case letters, digits or '-', starting with a letter");
        }

        if (RoleDirectory.BuiltIn.Any(r => r.Name == name))
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"role.name: '{name}' is a built-in role and cannot be replaced; define a role with another name");
        }

        var accepts = Fields.Text("role.accepts", string.Join(", ", given.Accepts.Select(a => a.Trim()).Where(a => a.Length > 0)), 1_000);
        var returns = Fields.Text("role.returns", string.Join(", ", given.Returns.Select(a => a.Trim()).Where(a => a.Length > 0)), 1_000);
        var tools = new List<string>();
        var actions = new List<string>();
        foreach (var tool in given.AllowedTools.Select(t => t.Trim()))
        {
            if (ActionName().IsMatch(tool))
            {
                actions.Add(tool);
            }
            else if (KnownTools.Contains(tool, StringComparer.Ordinal))
            {
                tools.Add(tool);
            }
            else
            {
                throw Fields.Invalid("role.allowed_tools", $"'{tool}' is neither a tool ({string.Join(", ", KnownTools)}) nor a connector action such as email.send");
            }
        }

        var tier = given.ModelTier switch
        {
            V1.ModelTier.Unspecified or V1.ModelTier.Small => WorkforceTier.Small,
            V1.ModelTier.Large => WorkforceTier.Large,
            _ => throw Fields.Invalid("role.model_tier", $"{(int)given.ModelTier} is not a ModelTier value"),
        };

        // Unspecified is the careful choice: external actions wait for the operator.
        var autonomy = given.Autonomy switch
        {
            V1.AutonomyLevel.Suggest => WorkforceAutonomy.Suggest,
            V1.AutonomyLevel.Unspecified or V1.AutonomyLevel.Policy => WorkforceAutonomy.ActWithApproval,
            V1.AutonomyLevel.Autonomous => WorkforceAutonomy.Autonomous,
            _ => throw Fields.Invalid("role.autonomy", $"{(int)given.Autonomy} is not an AutonomyLevel value"),
        };
        var (currency, micros) = Amounts.Check("role.daily_budget", given.DailyBudget);
        var contract = new RoleContract(name, accepts, returns, Tools: tools, Actions: actions, Tier: tier, Autonomy: autonomy);
        var role = new DefinedRole(contract, Fields.Optional("role.description", given.Description, 2_000), currency, micros, call.Actor, time.GetUtcNow());
        try
        {
            role = await grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).Define(role).ConfigureAwait(false);
        }
        catch (InvalidOperationException exception)
        {
            throw new RpcException(StatusCode.FailedPrecondition, exception.Message);
        }

        // The catalog's silo has it now; this silo too, even when the catalog lives on another.
        roles.Add(role.Contract);
        return ToContract(role.Contract, role);
    }

    private async Task<AgentRoleStats> StatsAsync(GetAgentRoleStatsRequest request, ServerCallContext call)
    {
        var name = Fields.Id("name", request.Name);
        if (roles.Find(name) is null)
        {
            throw Fields.NotFound("agent role", name);
        }

        var actor = $"agent:{name}";
        var stats = new AgentRoleStats { Name = name };
        double confidence = 0;
        var durations = new List<TimeSpan>();
        var head = await events.ReadHeadAsync(call.CancellationToken).ConfigureAwait(false);
        var after = Math.Max(0, head.LastSequence - StatsWindow);
        while (true)
        {
            var batch = await events.ReadAsync(after, 1_000, call.CancellationToken).ConfigureAwait(false);
            foreach (var stored in batch)
            {
                after = stored.Sequence;
                if (stored.Kind != "role-task.completed" || stored.Provenance.Actor != actor || stored.Payload is null)
                {
                    continue;
                }

                var result = WorkforceJson.Deserialize<RoleResult>(stored.Payload);
                if (result.Refused)
                {
                    stats.TasksFailed++;
                    stats.Escalations++;
                }
                else
                {
                    stats.TasksDone++;
                    confidence += result.Confidence;
                }

                stats.ModelCalls += result.ModelHistory?.Count ?? 0;
                if (result.StartedAt is { } started && stored.OccurredAt >= started)
                {
                    durations.Add(stored.OccurredAt - started);
                }
            }

            if (batch.Count < 1_000)
            {
                break;
            }
        }

        stats.MeanConfidence = stats.TasksDone > 0 ? confidence / stats.TasksDone : 0;
        if (durations.Count > 0)
        {
            durations.Sort();
            stats.P50TaskDuration = Duration.FromTimeSpan(Percentile(durations, 0.50));
            stats.P99TaskDuration = Duration.FromTimeSpan(Percentile(durations, 0.99));
        }

        // Everything the role ever spent: the spend store sums it by role without reading the records one by one.
        var spent = await spend.QuerySpendAsync(
            new SpendQuery(DateTimeOffset.UnixEpoch, time.GetUtcNow().AddSeconds(1), AiOs.Persistence.Spend.SpendGrouping.Role, Role: name), call.CancellationToken).ConfigureAwait(false);
        stats.Spent = new Money { Currency = models.Value.Currency, Micros = spent.Sum(r => r.CostMicros) };
        return stats;
    }

    /// <summary>The nearest-rank percentile of sorted <paramref name="values"/>.</summary>
    private static TimeSpan Percentile(List<TimeSpan> values, double quantile) =>
        values[Math.Clamp((int)Math.Ceiling(quantile * values.Count) - 1, 0, values.Count - 1)];

    private async Task<Dictionary<string, DefinedRole>> DefinedAsync() =>
        (await grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).All().ConfigureAwait(false))
        .ToDictionary(r => r.Contract.Name, StringComparer.Ordinal);

    private static AgentRole ToContract(RoleContract contract, DefinedRole? defined)
    {
        var builtIn = RoleDirectory.BuiltIn.Any(r => r.Name == contract.Name);
        var role = new AgentRole
        {
            Name = contract.Name,
            Description = defined?.Description ?? $"takes {contract.Accepts}; returns {contract.Returns}",
            BuiltIn = builtIn,
            ModelTier = contract.Tier == WorkforceTier.Large ? V1.ModelTier.Large : V1.ModelTier.Small,
            Autonomy = contract.Autonomy switch
            {
                WorkforceAutonomy.Suggest => V1.AutonomyLevel.Suggest,
                WorkforceAutonomy.ActWithApproval => V1.AutonomyLevel.Policy,
                _ => V1.AutonomyLevel.Autonomous,
            },
        };
        role.Accepts.Add(contract.Accepts);
        role.Returns.Add(contract.Returns);
        role.AllowedTools.AddRange(contract.Tools ?? []);
        role.AllowedTools.AddRange(contract.Actions ?? []);
        if (defined?.DailyBudgetCurrency is { } currency)
        {
            role.DailyBudget = new Money { Currency = currency, Micros = defined.DailyBudgetMicros ?? 0 };
        }

        return role;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex RoleName();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex ActionName();
}

using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Persistence.Spend;
using AiOs.Workforce.Budgets;
using AiOs.Workforce.Models;
using Microsoft.Extensions.Options;
using ContractGrouping = AiOs.Api.V1.SpendGrouping;
using ContractScope = AiOs.Api.V1.BudgetScope;
using ContractSpendRow = AiOs.Api.V1.SpendRow;
using Grouping = AiOs.Persistence.Spend.SpendGrouping;
using Scope = AiOs.Persistence.Spend.BudgetScope;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Spend: spend grouped by day, role, customer, goal or model; budgets with what counts against them; and
/// setting a budget, which resumes the goals a budget paused (through the budgets grain). Amounts are in the price table's
/// currency (<c>AiOs:Models:Currency</c>); a budget in another currency is refused, never converted.</summary>
internal sealed class SpendService(ISpendStore spend, IGrainFactory grains, IOptions<ModelOptions> models, TimeProvider time) : IGrpcService
{
    private static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);

    private string Currency => models.Value.Currency;

    public void Bind(ServiceBinder binder)
    {
        var service = SpendReflection.Descriptor.Services[0];
        binder.Unary<GetSpendRequest, GetSpendResponse>(service, "GetSpend", GetSpendAsync);
        binder.Unary<ListBudgetsRequest, ListBudgetsResponse>(service, "ListBudgets", ListBudgetsAsync);
        binder.Unary<SetBudgetRequest, Budget>(service, "SetBudget", SetBudgetAsync);
    }

    private async Task<GetSpendResponse> GetSpendAsync(GetSpendRequest request, ServerCallContext call)
    {
        var to = request.To?.ToDateTimeOffset() ?? time.GetUtcNow();
        var from = request.From?.ToDateTimeOffset() ?? to - DefaultRange;
        if (to <= from)
        {
            throw new RpcException(StatusCode.InvalidArgument, "'to' must be after 'from'");
        }

        var grouping = request.GroupBy switch
        {
            ContractGrouping.Unspecified or ContractGrouping.Day => Grouping.Day,
            ContractGrouping.Role => Grouping.Role,
            ContractGrouping.Customer => Grouping.Customer,
            ContractGrouping.Goal => Grouping.Goal,
            ContractGrouping.Model => Grouping.Model,
            _ => throw new RpcException(StatusCode.InvalidArgument, "group_by must be SPEND_GROUPING_DAY, _ROLE, _CUSTOMER, _GOAL or _MODEL"),
        };
        var rows = await spend.QuerySpendAsync(
            new SpendQuery(from, to, grouping, Filter(request.GoalId), Filter(request.Role), Filter(request.CustomerId)), call.CancellationToken).ConfigureAwait(false);
        var response = new GetSpendResponse { Total = Money(rows.Sum(r => r.CostMicros)) };
        response.Rows.AddRange(rows.Select(r => new ContractSpendRow
        {
            Key = r.Key,
            Amount = Money(r.CostMicros),
            ModelCalls = r.Calls,
            InputTokens = r.InputTokens,
            OutputTokens = r.OutputTokens,
        }));
        return response;
    }

    private async Task<ListBudgetsResponse> ListBudgetsAsync(ListBudgetsRequest request, ServerCallContext call)
    {
        var scopes = request.Scopes.Select(ToStore).ToHashSet();
        var budgets = await spend.ListBudgetsAsync(time.GetUtcNow(), call.CancellationToken).ConfigureAwait(false);
        var response = new ListBudgetsResponse();
        response.Budgets.AddRange(budgets.Where(b => scopes.Count == 0 || scopes.Contains(b.Key.Scope)).Select(b => ToContract(BudgetView.From(b))));
        return response;
    }

    private async Task<Budget> SetBudgetAsync(SetBudgetRequest request, ServerCallContext call)
    {
        var scope = ToStore(request.Scope);
        if (request.Limit is null)
        {
            throw new RpcException(StatusCode.InvalidArgument, "limit is required");
        }

        if (request.Limit.Micros < 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, "limit cannot be negative");
        }

        if (request.Limit.Currency.Length > 0 && !string.Equals(request.Limit.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.InvalidArgument, $"budgets are in {Currency} (AiOs:Models:Currency), not {request.Limit.Currency}");
        }

        try
        {
            // Checked here too, so that bad input is refused before any grain call.
            BudgetKey.Create(scope, request.Subject);
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(StatusCode.InvalidArgument, ex.Message.Split(" (Parameter", 2)[0]);
        }

        var budget = await grains.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Set(scope, request.Subject, request.Limit.Micros, call.Actor).ConfigureAwait(false);
        return ToContract(budget);
    }

    private static Scope ToStore(ContractScope scope) => scope switch
    {
        ContractScope.Goal => Scope.Goal,
        ContractScope.Role => Scope.Role,
        ContractScope.Customer => Scope.Customer,
        ContractScope.Day => Scope.Day,
        _ => throw new RpcException(StatusCode.InvalidArgument, "scope must be BUDGET_SCOPE_GOAL, _ROLE, _CUSTOMER or _DAY"),
    };

    private Budget ToContract(BudgetView budget) => new()
    {
        Scope = budget.Scope switch
        {
            Scope.Goal => ContractScope.Goal,
            Scope.Role => ContractScope.Role,
            Scope.Customer => ContractScope.Customer,
            _ => ContractScope.Day,
        },
        Subject = budget.Subject,
        Limit = Money(budget.LimitMicros),
        Spent = Money(budget.SpentMicros),
        Reserved = Money(budget.ReservedMicros),
    };

    private Money Money(long micros) => new() { Currency = Currency, Micros = micros };

    private static string? Filter(string value) => value.Length == 0 ? null : value;
}

using System.Text.Json;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Cli;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Persistence.Spend;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using ContractScope = AiOs.Api.V1.BudgetScope;
using ContractGrouping = AiOs.Api.V1.SpendGrouping;

namespace AiOs.Api.Tests.Server;

/// <summary>aios.v1.Spend and <c>aios spend</c> / <c>aios budgets</c> over a real silo with the workforce's budgets grain
/// and SQLite's spend store. Spend is recorded at fixed times (a test clock of its own), so queries by day are exact.</summary>
public sealed class SpendTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private ApiHost _host = null!;
    private AiOsClient _operator = null!;

    public async ValueTask InitializeAsync()
    {
        // The workforce's grains (the budgets among them) are in every ApiHost.
        _host = await ApiHost.StartAsync(services: s => s.AddAiOsWorkforce(models: m => m.Currency = "EUR"));
        _operator = _host.Client(_host.InitialOperatorKey);
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task GetSpend_GroupsByEachKeyAndByDay_WithinTheRange()
    {
        await SpendAsync(new SpendSubject("g-1", "t1", "writer", "acme"), Monday, 100_000, "small");
        await SpendAsync(new SpendSubject("g-1", "t2", "researcher", "acme"), Monday.AddHours(3), 250_000, "large");
        await SpendAsync(new SpendSubject("g-2", "t1", "writer", "globex"), Monday.AddDays(1), 40_000, "small");

        var byDay = await GetAsync(ContractGrouping.Day);
        var byRole = await GetAsync(ContractGrouping.Role);
        var acmeByGoal = await GetAsync(ContractGrouping.Goal, customer: "acme");
        var mondayByModel = await GetAsync(ContractGrouping.Model, to: Monday.Date.AddDays(1));

        Assert.Equal([("2026-03-02", 350_000L, 2L), ("2026-03-03", 40_000L, 1L)], byDay.Rows.Select(r => (r.Key, r.Amount.Micros, r.ModelCalls)));
        Assert.Equal(("EUR", 390_000L), (byDay.Total.Currency, byDay.Total.Micros));
        Assert.Equal([("researcher", 250_000L), ("writer", 140_000L)], byRole.Rows.Select(r => (r.Key, r.Amount.Micros)));
        Assert.Equal([("g-1", 350_000L)], acmeByGoal.Rows.Select(r => (r.Key, r.Amount.Micros)));
        Assert.Equal([("large", 250_000L), ("small", 100_000L)], mondayByModel.Rows.Select(r => (r.Key, r.Amount.Micros)));
    }

    [Fact]
    public async Task SetBudget_ThenListBudgets_ShowsTheLimitAndWhatCountsAgainstIt()
    {
        var budget = await _operator.SetBudgetAsync(new SetBudgetRequest { Scope = ContractScope.Role, Subject = "writer", Limit = new Money { Currency = "EUR", Micros = 5_000_000 } });
        await _operator.SetBudgetAsync(new SetBudgetRequest { Scope = ContractScope.Day, Limit = new Money { Micros = 20_000_000 } });

        var roles = await _operator.ListBudgetsAsync(new ListBudgetsRequest { Scopes = { ContractScope.Role } });
        var all = await _operator.ListBudgetsAsync(new ListBudgetsRequest());

        Assert.Equal((ContractScope.Role, "writer", 5_000_000L, "EUR"), (budget.Scope, budget.Subject, budget.Limit.Micros, budget.Limit.Currency));
        Assert.Equal("writer", Assert.Single(roles.Budgets).Subject);
        Assert.Contains(all.Budgets, b => b.Scope == ContractScope.Day && b.Limit.Micros == 20_000_000);
    }

    [Theory]
    [InlineData(ContractScope.Unspecified, "writer", 1_000, "", "scope must be")]
    [InlineData(ContractScope.Role, "writer", -1, "", "cannot be negative")]
    [InlineData(ContractScope.Day, "monday", 1_000, "", "takes no subject")]
    [InlineData(ContractScope.Goal, "", 1_000, "", "needs the goal")]
    [InlineData(ContractScope.Goal, "g-1", 1_000, "USD", "budgets are in EUR")]
    public async Task SetBudget_BadInput_IsInvalidArgument_SayingWhat_AndStoresNothing(ContractScope scope, string subject, long micros, string currency, string expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _operator.SetBudgetAsync(new SetBudgetRequest { Scope = scope, Subject = subject, Limit = new Money { Currency = currency, Micros = micros } }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
        Assert.Empty((await _operator.ListBudgetsAsync(new ListBudgetsRequest())).Budgets);
    }

    [Fact]
    public async Task Cli_BudgetsSetAndList_AndSpendByRole()
    {
        await SpendAsync(new SpendSubject("g-9", "t1", "writer"), DateTimeOffset.UtcNow, 120_000, "small");

        var set = await _host.RunCliAsync("budgets", "set", "goal", "g-9", "0.50");
        var listed = await _host.RunCliAsync("budgets", "list", "-o", "json");
        var spend = await _host.RunCliAsync("spend", "--by", "role");
        var unknownScope = await _host.RunCliAsync("budgets", "set", "planet", "mars", "1");
        var daySubject = await _host.RunCliAsync("budgets", "set", "day", "monday", "1");
        var badAmount = await _host.RunCliAsync("budgets", "set", "role", "writer", "-3");

        Assert.Equal(ExitCodes.Ok, set.ExitCode);
        Assert.Contains("0.50 EUR", set.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(listed.Output);
        var budget = json.RootElement.GetProperty("budgets").EnumerateArray().Single();
        Assert.Equal(("g-9", "500000", "120000"), (budget.GetProperty("subject").GetString(), budget.GetProperty("limit").GetProperty("micros").GetString(),
            budget.GetProperty("spent").GetProperty("micros").GetString()));
        Assert.Contains("writer", spend.Output, StringComparison.Ordinal);
        Assert.Contains("0.12 EUR", spend.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, unknownScope.ExitCode);
        Assert.Contains("planet", unknownScope.Error, StringComparison.Ordinal);
        Assert.Equal((ExitCodes.Usage, "aios: a day budget takes no subject: aios budgets set day <amount>"), (daySubject.ExitCode, daySubject.Error.Trim()));
        Assert.Equal(ExitCodes.Usage, badAmount.ExitCode);
        Assert.Contains("not an amount of 0 or more", badAmount.Error, StringComparison.Ordinal);
    }

    private Task<GetSpendResponse> GetAsync(ContractGrouping grouping, string customer = "", DateTime? to = null) =>
        _operator.GetSpendAsync(new GetSpendRequest
        {
            From = Timestamp.FromDateTimeOffset(Monday.AddDays(-2)),
            To = Timestamp.FromDateTimeOffset(to is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : Monday.AddDays(5)),
            GroupBy = grouping,
            CustomerId = customer,
        });

    private async Task SpendAsync(SpendSubject subject, DateTimeOffset at, long micros, string model)
    {
        var store = _host.Services.GetRequiredService<ISpendStore>();
        var id = Guid.NewGuid().ToString("N");
        Assert.True((await store.TryReserveAsync(new SpendReservation(id, at, subject, micros), at.AddHours(-1))).Reserved);
        await store.SettleAsync(id, new SpendRecord("call-" + id, at, subject, model, 10, 10, micros));
    }
}

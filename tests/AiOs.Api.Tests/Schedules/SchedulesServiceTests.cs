using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Testing;
using ScheduleGrain = AiOs.Workforce.Schedules.ScheduleGrain;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Tests.Schedules;

/// <summary>aios.v1.Schedules through a real gRPC client on a real silo: create (idempotent by request id), get, list by
/// next run, pause, resume, delete; an invalid cron, an unknown time zone and unknown ids get clear statuses.</summary>
[Trait("Category", "Integration")]
public sealed class SchedulesServiceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Create_Get_List_Pause_Resume_Delete()
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var request = new CreateScheduleRequest { Schedule = Weekly("weekly report"), RequestId = "req-1" };

        var created = await client.CreateScheduleAsync(request);
        var again = await client.CreateScheduleAsync(request);
        var oneOff = await client.CreateScheduleAsync(new CreateScheduleRequest
        {
            Schedule = new Schedule { Name = "follow up", RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)), Goal = new V1.GoalTemplate { Text = "follow up with Acme" } },
        });

        Assert.Equal(created.ScheduleId, again.ScheduleId);
        Assert.Equal((ScheduleStatus.Active, "0 0 9 ? * MON", "Europe/Berlin"), (created.Status, created.Cron, created.TimeZone));
        Assert.NotNull(created.NextRunAt);
        Assert.Equal(created, await client.GetScheduleAsync(created.ScheduleId));
        // Soonest first: the weekly run is within 7 days, the one-off in 30.
        var listed = await client.ListSchedulesAsync(new ListSchedulesRequest());
        Assert.Equal([created.ScheduleId, oneOff.ScheduleId], listed.Schedules.Select(s => s.ScheduleId));

        var paused = await client.PauseScheduleAsync(created.ScheduleId);
        Assert.Equal((ScheduleStatus.Paused, (Timestamp?)null), (paused.Status, paused.NextRunAt));
        Assert.Equal([created.ScheduleId], (await client.ListSchedulesAsync(new ListSchedulesRequest { Statuses = { ScheduleStatus.Paused } })).Schedules.Select(s => s.ScheduleId));
        var resumed = await client.ResumeScheduleAsync(created.ScheduleId);
        Assert.Equal((ScheduleStatus.Active, created.NextRunAt), (resumed.Status, resumed.NextRunAt));

        await client.DeleteScheduleAsync(created.ScheduleId);
        var gone = await Assert.ThrowsAsync<RpcException>(() => client.GetScheduleAsync(created.ScheduleId));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Equal([oneOff.ScheduleId], (await client.ListSchedulesAsync(new ListSchedulesRequest())).Schedules.Select(s => s.ScheduleId));
    }

    [Theory]
    [InlineData("0 0 25 ? * MON", "Europe/Berlin", "the hours field '25'")]
    [InlineData("0 0 9 ? * MONDAY", "Europe/Berlin", "the day-of-week field 'MONDAY'")]
    [InlineData("0 0 9 ? * MON", "Europe/Atlantis", "time zone 'Europe/Atlantis' is not known")]
    public async Task InvalidDefinition_IsInvalidArgument_NamingTheField_AndStoresNothing(string cron, string zone, string expected)
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var schedule = Weekly("bad");
        (schedule.Cron, schedule.TimeZone) = (cron, zone);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = schedule }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
        Assert.Empty((await client.ListSchedulesAsync(new ListSchedulesRequest())).Schedules);
    }

    [Fact]
    public async Task GoalBudget_IsStored_ReturnedByGetAndList_InTheConfiguredCurrency()
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var withCurrency = Weekly("budgeted");
        withCurrency.Goal.Budget = new Money { Currency = "EUR", Micros = 2_500_000 };
        var withoutCurrency = Weekly("budgeted, currency left out");
        withoutCurrency.Goal.Budget = new Money { Micros = 750_000 };

        var created = await client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = withCurrency });
        var second = await client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = withoutCurrency });

        Assert.Equal(new Money { Currency = "EUR", Micros = 2_500_000 }, created.Goal.Budget);
        Assert.Equal(new Money { Currency = "EUR", Micros = 750_000 }, second.Goal.Budget);
        Assert.Equal(created.Goal.Budget, (await client.GetScheduleAsync(created.ScheduleId)).Goal.Budget);
        var listed = (await client.ListSchedulesAsync(new ListSchedulesRequest())).Schedules.ToDictionary(s => s.ScheduleId);
        Assert.Equal(created.Goal.Budget, listed[created.ScheduleId].Goal.Budget);
        Assert.Equal(second.Goal.Budget, listed[second.ScheduleId].Goal.Budget);
        Assert.Null((await client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = Weekly("no budget") })).Goal.Budget);
    }

    [Theory]
    [InlineData("EUR", 0L, "goal.budget.micros: must be more than 0")]
    [InlineData("EUR", -1_000_000L, "goal.budget.micros: must be more than 0")]
    [InlineData("EUR", 1_000_000_000_000_001L, "goal.budget.micros: must be at most")]
    [InlineData("USD", 1_000_000L, "goal.budget.currency: budgets are in EUR (AiOs:Models:Currency), not USD")]
    [InlineData("euro", 1_000_000L, "goal.budget.currency: 'euro' is not an ISO 4217 code")]
    public async Task GoalBudget_Invalid_IsInvalidArgument_SayingWhat_AndStoresNothing(string currency, long micros, string expected)
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var schedule = Weekly("bad budget");
        schedule.Goal.Budget = new Money { Currency = currency, Micros = micros };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = schedule }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
        Assert.Empty((await client.ListSchedulesAsync(new ListSchedulesRequest())).Schedules);
    }

    [Fact]
    public async Task FiredSchedule_StartsAGoal_WithTheScheduledBudget()
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);
        var schedule = new Schedule
        {
            Name = "soon",
            RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2)),
            Goal = new V1.GoalTemplate { Text = "write the weekly report", Playbook = "no-such-playbook", Budget = new Money { Currency = "EUR", Micros = 1_250_000 } },
        };
        var created = await client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = schedule });

        Schedule fired = null!;
        await Eventually.WaitUntilAsync(async () => (fired = await client.GetScheduleAsync(created.ScheduleId)).Runs == 1,
            "the one-off schedule has run", TimeSpan.FromSeconds(30));

        // The coordinator makes a submitted budget the goal's budget (scope goal), which it then enforces.
        var budgets = await client.ListBudgetsAsync(new ListBudgetsRequest { Scopes = { BudgetScope.Goal } });
        var budget = Assert.Single(budgets.Budgets, b => b.Subject == fired.LastGoalId);
        Assert.Equal(new Money { Currency = "EUR", Micros = 1_250_000 }, budget.Limit);
    }

    [Fact]
    public async Task UnknownId_IsNotFound_ForEveryVerb()
    {
        await using var host = await StartAsync();
        using var client = host.Client(host.InitialOperatorKey);

        foreach (var call in new Func<Task>[]
        {
            () => client.GetScheduleAsync("nope"), () => client.PauseScheduleAsync("nope"), () => client.ResumeScheduleAsync("nope"), () => client.DeleteScheduleAsync("nope"),
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal((StatusCode.NotFound, "no schedule 'nope'"), (error.StatusCode, error.Detail));
        }
    }

    private Task<ApiHost> StartAsync() => ApiHost.StartAsync(
        services: s => s.AddAiOsWorkforce(models: m => m.Currency = "EUR"),
        output: output,
        silo: s => s.AddGrains(typeof(ScheduleGrain).Assembly));

    private static Schedule Weekly(string name) => new()
    {
        Name = name,
        Cron = "0 0 9 ? * MON",
        TimeZone = "Europe/Berlin",
        Goal = new V1.GoalTemplate { Text = "write the weekly report" },
    };
}

using AiOs.Persistence.Spend;
using AiOs.Testing;

namespace AiOs.Persistence.TestKit.Spend;

/// <summary>The spend store: reservations held and refused against budgets, settled into recorded spend, never past a cap
/// under concurrency; daily budgets counting per UTC day; spend grouped by key and day. Tests use goals, roles and
/// customers of their own (and dates no other test uses for the day budget), so that they never see each other's rows in
/// the class's shared tables.</summary>
public abstract class SpendStoreTests : StorageTestBase
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private ISpendStore Spend => Storage.Spend;

    [Fact]
    public async Task Reservation_WithinTheBudget_IsHeld_ThenSettledIntoSpend()
    {
        var goal = NewId("goal");
        await Spend.SetBudgetAsync(BudgetKey.Goal(goal), 500_000, Monday, "operator");
        var subject = new SpendSubject(goal, "t1", NewId("role"), NewId("cust"));

        var outcome = await Spend.TryReserveAsync(new SpendReservation("r1-" + goal, Monday, subject, 200_000), Monday.AddHours(-1));

        Assert.True(outcome.Reserved);
        Assert.Equal((0L, 200_000L), Counted(await BudgetAsync(BudgetKey.Goal(goal))));

        await Spend.SettleAsync("r1-" + goal, new SpendRecord("c1-" + goal, Monday, subject, "test-model", 1000, 50, 150_000));

        var budget = await BudgetAsync(BudgetKey.Goal(goal));
        Assert.Equal((150_000L, 0L), Counted(budget));
        Assert.Equal(350_000, budget.AvailableMicros);
        var row = Assert.Single(await Spend.QuerySpendAsync(new SpendQuery(Monday.AddDays(-1), Monday.AddDays(1), SpendGrouping.Goal, GoalId: goal)));
        Assert.Equal(new SpendRow(goal, 150_000, 1, 1000, 50), row);
    }

    [Fact]
    public async Task Reservation_ThatWouldOvershootABudget_IsRefused_NamingIt_AndHoldsNothing()
    {
        var (goal, role) = (NewId("goal"), NewId("role"));
        await Spend.SetBudgetAsync(BudgetKey.Goal(goal), 1_000_000, Monday, "operator");
        await Spend.SetBudgetAsync(BudgetKey.Role(role), 300_000, Monday, "operator");
        var subject = new SpendSubject(goal, "t1", role);
        Assert.True((await Spend.TryReserveAsync(new SpendReservation("a-" + goal, Monday, subject, 200_000), Monday.AddHours(-1))).Reserved);

        var refused = await Spend.TryReserveAsync(new SpendReservation("b-" + goal, Monday, subject, 200_000), Monday.AddHours(-1));

        Assert.False(refused.Reserved);
        Assert.Equal(BudgetKey.Role(role), refused.Blocking!.Key);
        Assert.Equal((300_000L, 0L, 200_000L), (refused.Blocking.LimitMicros, refused.Blocking.SpentMicros, refused.Blocking.ReservedMicros));
        Assert.Equal((0L, 200_000L), Counted(await BudgetAsync(BudgetKey.Goal(goal))));

        // A call that was never made releases its hold and records nothing.
        await Spend.SettleAsync("a-" + goal, null);
        Assert.Equal((0L, 0L), Counted(await BudgetAsync(BudgetKey.Role(role))));
        Assert.Empty(await Spend.QuerySpendAsync(new SpendQuery(Monday.AddDays(-1), Monday.AddDays(1), SpendGrouping.Goal, GoalId: goal)));
    }

    [Fact]
    public async Task ConcurrentReservations_NeverHoldMoreThanTheCap()
    {
        var goal = NewId("goal");
        await Spend.SetBudgetAsync(BudgetKey.Goal(goal), 1_000_000, Monday, "operator");
        var subject = new SpendSubject(goal, "t", NewId("role"), NewId("cust"));

        var outcomes = await Concurrently.RunAsync(32, i =>
            Spend.TryReserveAsync(new SpendReservation($"{goal}-{i}", Monday, subject, 150_000), Monday.AddHours(-1)));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(6, outcomes.Count(o => o.Result!.Reserved));
        Assert.Equal((0L, 900_000L), Counted(await BudgetAsync(BudgetKey.Goal(goal))));
    }

    [Fact]
    public async Task Settle_Twice_RecordsTheCallOnce()
    {
        var goal = NewId("goal");
        await Spend.SetBudgetAsync(BudgetKey.Goal(goal), 1_000_000, Monday, "operator");
        var subject = new SpendSubject(goal);
        await Spend.TryReserveAsync(new SpendReservation("r-" + goal, Monday, subject, 100_000), Monday.AddHours(-1));
        var record = new SpendRecord("c-" + goal, Monday, subject, "m", 10, 10, 80_000);

        await Spend.SettleAsync("r-" + goal, record);
        await Spend.SettleAsync("r-" + goal, record);

        Assert.Equal((80_000L, 0L), Counted(await BudgetAsync(BudgetKey.Goal(goal))));
    }

    [Fact]
    public async Task StaleReservation_OfACallThatNeverSettled_IsReleasedByTheNextReservation()
    {
        var goal = NewId("goal");
        await Spend.SetBudgetAsync(BudgetKey.Goal(goal), 100_000, Monday, "operator");
        var subject = new SpendSubject(goal);
        Assert.True((await Spend.TryReserveAsync(new SpendReservation("dead-" + goal, Monday, subject, 100_000), Monday.AddHours(-1))).Reserved);
        Assert.False((await Spend.TryReserveAsync(new SpendReservation("x-" + goal, Monday.AddMinutes(1), subject, 100_000), Monday.AddHours(-1))).Reserved);

        var later = Monday.AddMinutes(20);
        var outcome = await Spend.TryReserveAsync(new SpendReservation("y-" + goal, later, subject, 100_000), staleBefore: later.AddMinutes(-10));

        Assert.True(outcome.Reserved);
        Assert.Equal((0L, 100_000L), Counted(await BudgetAsync(BudgetKey.Goal(goal))));
    }

    [Fact]
    public async Task DailyBudgets_CountPerUtcDay_WhileAGoalBudgetCountsItsWholeLife()
    {
        var (goal, role) = (NewId("goal"), NewId("role"));
        await Spend.SetBudgetAsync(BudgetKey.Role(role), 100_000, Monday, "operator");
        var subject = new SpendSubject(goal, "t", role);
        var tuesday = Monday.AddDays(1);
        await SpendAsync(subject, Monday, 100_000);

        Assert.False((await Spend.TryReserveAsync(new SpendReservation(NewId("r"), Monday.AddHours(1), subject, 1), Monday)).Reserved);
        Assert.True((await Spend.TryReserveAsync(new SpendReservation(NewId("r"), tuesday, subject, 100_000), Monday)).Reserved);

        var roleToday = (await Spend.ListBudgetsAsync(tuesday)).Single(b => b.Key == BudgetKey.Role(role));
        Assert.Equal(("2026-03-03", 0L, 100_000L), (roleToday.Period, roleToday.SpentMicros, roleToday.ReservedMicros));
        var goalBudget = await Spend.SetBudgetAsync(BudgetKey.Goal(goal), 1_000_000, tuesday, "operator");
        Assert.Equal(("", 100_000L, 100_000L), (goalBudget.Period, goalBudget.SpentMicros, goalBudget.ReservedMicros));
    }

    [Fact]
    public async Task DayBudget_CapsEveryCallOfTheDay_WhateverItsGoal()
    {
        // A date of its own: the day budget counts every call of the day, and the class's tests share the tables.
        var day = new DateTimeOffset(2031, 7, 1, 9, 0, 0, TimeSpan.Zero);
        try
        {
            await Spend.SetBudgetAsync(BudgetKey.Day, 250_000, day, "operator");
            await SpendAsync(new SpendSubject(NewId("goal")), day, 200_000);

            var refused = await Spend.TryReserveAsync(new SpendReservation(NewId("r"), day.AddHours(1), new SpendSubject(NewId("goal")), 60_000), day);

            Assert.False(refused.Reserved);
            Assert.Equal((BudgetKey.Day, "2031-07-01"), (refused.Blocking!.Key, refused.Blocking.Period));
        }
        finally
        {
            await Spend.SetBudgetAsync(BudgetKey.Day, long.MaxValue / 4, day, "operator");
        }
    }

    [Fact]
    public async Task Spend_IsQueryableByEachKeyAndByDay()
    {
        var (goalA, goalB, writer, researcher, customer) = (NewId("goal"), NewId("goal"), NewId("writer"), NewId("researcher"), NewId("cust"));
        var tuesday = Monday.AddDays(1);
        await SpendAsync(new SpendSubject(goalA, "t1", writer, customer), Monday, 100, model: "small");
        await SpendAsync(new SpendSubject(goalA, "t2", researcher, customer), Monday.AddHours(2), 200, model: "large");
        await SpendAsync(new SpendSubject(goalB, "t1", writer, customer), tuesday, 400, model: "small");
        var week = (From: Monday.AddDays(-1), To: Monday.AddDays(6));

        var byDay = await Spend.QuerySpendAsync(new SpendQuery(week.From, week.To, SpendGrouping.Day, CustomerId: customer));
        var byGoal = await Spend.QuerySpendAsync(new SpendQuery(week.From, week.To, SpendGrouping.Goal, CustomerId: customer));
        var byRole = await Spend.QuerySpendAsync(new SpendQuery(week.From, week.To, SpendGrouping.Role, CustomerId: customer));
        var byModelOfWriter = await Spend.QuerySpendAsync(new SpendQuery(week.From, week.To, SpendGrouping.Model, Role: writer));
        var mondayOnly = await Spend.QuerySpendAsync(new SpendQuery(new DateTimeOffset(Monday.Date, TimeSpan.Zero), new DateTimeOffset(Monday.Date.AddDays(1), TimeSpan.Zero), SpendGrouping.Customer, CustomerId: customer));

        Assert.Equal([("2026-03-02", 300L, 2L), ("2026-03-03", 400L, 1L)], byDay.Select(r => (r.Key, r.CostMicros, r.Calls)));
        Assert.Equal(new[] { (goalA, 300L), (goalB, 400L) }.OrderBy(r => r.Item1, StringComparer.Ordinal), byGoal.Select(r => (r.Key, r.CostMicros)));
        Assert.Equal(500L, byRole.Single(r => r.Key == writer).CostMicros);
        Assert.Equal([("small", 500L)], byModelOfWriter.Select(r => (r.Key, r.CostMicros)));
        Assert.Equal([(customer, 300L)], mondayOnly.Select(r => (r.Key, r.CostMicros)));
    }

    [Fact]
    public async Task BadInput_IsRefusedWithAClearError_AndNothingIsStored()
    {
        var goal = NewId("goal");

        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Spend.SetBudgetAsync(BudgetKey.Goal(goal), -1, Monday, "operator"));
        var emptyRange = await Assert.ThrowsAsync<ArgumentException>(() => Spend.QuerySpendAsync(new SpendQuery(Monday, Monday, SpendGrouping.Day)));
        var negativeHold = await Assert.ThrowsAsync<ArgumentException>(() =>
            Spend.TryReserveAsync(new SpendReservation("r-" + goal, Monday, new SpendSubject(goal), -5), Monday));

        Assert.Contains("cannot be negative", negative.Message, StringComparison.Ordinal);
        Assert.Contains("range is empty", emptyRange.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be negative", negativeHold.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await Spend.ListBudgetsAsync(Monday), b => b.Key.Subject == goal);
    }

    [Fact]
    public async Task GoalCalls_AreListedOneRowEach_OldestFirst_OnlyTheGoals_AndWithinTheLimit()
    {
        var (goal, other) = (NewId("goal"), NewId("goal"));
        var first = new SpendRecord("c1-" + goal, Monday, new SpendSubject(goal, "research", "researcher", "cust-1"), "small-model", 120, 30, 4_200);
        var second = new SpendRecord("c2-" + goal, Monday.AddMinutes(1), new SpendSubject(goal, null, "planner"), "large-model", 900, 80, 17_000);
        await Spend.SettleAsync("never-held-" + goal, second);
        await Spend.SettleAsync("never-held-" + goal, first);
        await SpendAsync(new SpendSubject(other, "t1", "writer"), Monday, 99);

        var calls = await Spend.ListGoalCallsAsync(goal, 10);

        Assert.Equal([first, second], calls);
        Assert.Equal([first], await Spend.ListGoalCallsAsync(goal, 1));
        Assert.Empty(await Spend.ListGoalCallsAsync(NewId("goal"), 10));
        var badLimit = await Assert.ThrowsAsync<ArgumentException>(() => Spend.ListGoalCallsAsync(goal, 0));
        Assert.Contains("1 to 1000", badLimit.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Spend.ListGoalCallsAsync(" ", 10));
    }

    [Fact]
    public async Task EraseCustomerSpend_TakesTheCustomerOffItsCalls_AndDeletesItsBudget_TheGoalKeepsItsCost()
    {
        var (goal, customer, other) = (NewId("goal"), NewId("cust"), NewId("cust"));
        var at = Monday.AddDays(40);
        await Spend.SetBudgetAsync(BudgetKey.Customer(customer), 900_000, at, "operator");
        await SpendAsync(new SpendSubject(goal, "t1", "writer", customer), at, 120_000);
        await SpendAsync(new SpendSubject(NewId("goal"), "t1", "writer", other), at, 30_000);
        var range = new SpendQuery(at.AddDays(-1), at.AddDays(1), SpendGrouping.Customer);
        Assert.Contains(await Spend.QuerySpendAsync(range), r => r.Key == customer);

        var changed = await Spend.EraseCustomerSpendAsync(customer);

        Assert.True(changed >= 3, $"{changed} rows changed");
        var byCustomer = await Spend.QuerySpendAsync(range);
        Assert.DoesNotContain(byCustomer, r => r.Key == customer);
        Assert.Contains(byCustomer, r => r.Key == other);
        Assert.DoesNotContain(await Spend.ListBudgetsAsync(at), b => b.Key == BudgetKey.Customer(customer));
        Assert.Equal(120_000, Assert.Single(await Spend.QuerySpendAsync(range with { GroupBy = SpendGrouping.Goal, GoalId = goal })).CostMicros);
        Assert.Equal(0, await Spend.EraseCustomerSpendAsync(customer));
    }

    private async Task SpendAsync(SpendSubject subject, DateTimeOffset at, long cost, string model = "m")
    {
        var id = NewId("r");
        Assert.True((await Spend.TryReserveAsync(new SpendReservation(id, at, subject, cost), at.AddHours(-1))).Reserved);
        await Spend.SettleAsync(id, new SpendRecord("call-" + id, at, subject, model, 1, 1, cost));
    }

    private async Task<BudgetStatus> BudgetAsync(BudgetKey key) => (await Spend.ListBudgetsAsync(Monday)).Single(b => b.Key == key);

    private static (long Spent, long Reserved) Counted(BudgetStatus budget) => (budget.SpentMicros, budget.ReservedMicros);

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}

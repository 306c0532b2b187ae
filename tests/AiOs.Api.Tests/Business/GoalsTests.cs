using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;
using Google.Protobuf.WellKnownTypes;
using GoalStatus = AiOs.Api.V1.GoalStatus;

namespace AiOs.Api.Tests.Business;

/// <summary>aios.v1.Goals against the real workforce (offline models, SQLite): goals run to their end, submission is
/// idempotent by request id, lists page newest first, bad input names the field.</summary>
public sealed class GoalsTests : IAsyncLifetime
{
    // The offline planner picks the content-pipeline playbook for it (research, draft, review: no external action).
    internal const string ContentGoal = "Write a newsletter post about the spring offer";

    private readonly CallCounter _checkpointReads = new(typeof(ICoordinatorGrain), nameof(ICoordinatorGrain.Checkpoint));
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync(silo: s => s.AddIncomingGrainCallFilter(_checkpointReads));
        _operator = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Operator));
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task SubmitGoal_RunsToDone_WithTheOfflineModel()
    {
        var submitted = await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, RequestId = "done-1" });

        Assert.StartsWith("g-", submitted.GoalId, StringComparison.Ordinal);
        Assert.Equal(ContentGoal, submitted.Text);
        Assert.NotNull(submitted.CreatedAt);
        var goal = await WaitForStatusAsync(_operator, submitted.GoalId, GoalStatus.Done);
        Assert.Equal(3, goal.TasksTotal);
        Assert.Equal(3, goal.TasksDone);
        var kinds = goal.History.Select(e => e.Kind).ToList();
        Assert.Equal("submitted", kinds[0]);
        Assert.Contains("planned", kinds);
        Assert.Equal(3, kinds.Count(k => k == "task_done"));
        Assert.Equal("done", kinds[^1]);
        Assert.All(goal.History, e => Assert.NotNull(e.At));
    }

    [Fact]
    public async Task SubmitGoal_SameRequestIdConcurrently_IsOneGoal_SubmittedOnce()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = $"{ContentGoal} (try {i})", RequestId = "same-request" })));

        var goalId = Assert.Single(answers.Select(a => a.GoalId).Distinct());
        Assert.Single(answers.Select(a => a.Text).Distinct());
        var events = await _operator.QueryEventsAsync(new QueryEventsRequest { Filter = new EventFilter { GrainType = "goal", GrainKey = goalId } });
        Assert.Single(events.Events, e => e.Kind == "goal.submitted");
        var listed = await _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 500 });
        Assert.Single(listed.Goals, g => g.GoalId == goalId);
    }

    [Fact]
    public async Task SubmitGoal_BadInput_IsInvalidArgument_NamingTheField_AndStoresNothing()
    {
        var before = (await _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 500 })).Goals.Count;

        await AssertStatusAsync(StatusCode.InvalidArgument, "text", () => _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = "  " }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "playbook", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, Playbook = "no-such-playbook" }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "deadline", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, Deadline = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)) }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "budget.currency", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, Budget = new Money { Currency = "euro", Micros = 1 } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "budget.currency: budgets are in USD (AiOs:Models:Currency), not EUR", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, Budget = new Money { Currency = "EUR", Micros = 1 } }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "budget.micros: must be more than 0", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, Budget = new Money { Currency = "USD", Micros = 0 } }));
        await AssertStatusAsync(StatusCode.NotFound, "customer_id", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, CustomerId = "nobody" }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "customer_id", () =>
            _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, CustomerId = "a\u0001b" }));

        Assert.Equal(before, (await _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 500 })).Goals.Count);
    }

    [Fact]
    public async Task SubmitGoal_WithABudget_MakesItTheGoalsBudget()
    {
        var goal = await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, Budget = new Money { Currency = "USD", Micros = 3_000_000 } });

        var budgets = await _operator.ListBudgetsAsync(new ListBudgetsRequest { Scopes = { BudgetScope.Goal } });

        Assert.Equal(new Money { Currency = "USD", Micros = 3_000_000 }, goal.Budget);
        Assert.Equal(new Money { Currency = "USD", Micros = 3_000_000 }, Assert.Single(budgets.Budgets, b => b.Subject == goal.GoalId).Limit);
    }

    [Fact]
    public async Task GetGoal_UnknownId_IsNotFound_AndEmptyId_IsInvalidArgument()
    {
        await AssertStatusAsync(StatusCode.NotFound, "g-0000000000000000", () => _operator.GetGoalAsync("g-0000000000000000"));
        await AssertStatusAsync(StatusCode.InvalidArgument, "goal_id", () => _operator.GetGoalAsync(""));
    }

    [Fact]
    public async Task ListGoals_NewestFirst_PagesWithItsToken_AndFilters()
    {
        var customer = await _operator.CreateCustomerAsync(new CreateCustomerRequest { Customer = new Customer { Name = "Paging Ltd" } });
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var goal = await _operator.SubmitGoalAsync(new SubmitGoalRequest
            {
                Text = $"{ContentGoal} #{i}",
                CustomerId = i % 2 == 0 ? customer.CustomerId : "",
                RequestId = $"paging-{i}",
            });
            ids.Add(goal.GoalId);
        }

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await _operator.ListGoalsAsync(new ListGoalsRequest { CustomerId = customer.CustomerId, PageSize = 2, PageToken = token });
            Assert.True(page.Goals.Count <= 2);
            Assert.DoesNotContain(page.Goals, g => g.History.Count > 0);
            seen.AddRange(page.Goals.Select(g => g.GoalId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal([ids[4], ids[2], ids[0]], seen);
        var all = await _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 500 });
        var created = all.Goals.Select(g => g.CreatedAt.ToDateTimeOffset()).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);
    }

    [Fact]
    public async Task ListGoals_ByStatus_AnswersFromTheGoalIndex_WithoutReadingAnyCheckpoint()
    {
        var done = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            done.Add((await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = $"{ContentGoal} #{i}", RequestId = $"status-{i}" })).GoalId);
        }

        // Onboarding sends an email; with no connector configured it never finishes on its own.
        var cancelled = (await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = "Onboard Status Corp", RequestId = "status-cancel" })).GoalId;
        await _operator.CancelGoalAsync(cancelled, "not needed");
        await Eventually.WaitUntilAsync(async () => (await ListAsync(GoalStatus.Done)).Count == done.Count && (await ListAsync(GoalStatus.Cancelled)).Count == 1,
            "the index shows three goals done and one cancelled", TimeSpan.FromSeconds(60));
        Assert.True(_checkpointReads.Count > 0, "the counter sees the checkpoint reads of GetGoal and CancelGoal");
        _checkpointReads.Reset();

        var doneListed = await ListAsync(GoalStatus.Done);
        var cancelledListed = await ListAsync(GoalStatus.Cancelled, GoalStatus.Failed);
        var unfinished = await ListAsync(GoalStatus.Planning, GoalStatus.Running, GoalStatus.WaitingForApproval, GoalStatus.Paused);
        var all = (await _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 500 })).Goals;

        Assert.Equal(done.AsEnumerable().Reverse(), doneListed.Select(g => g.GoalId));
        Assert.All(doneListed, g => Assert.Equal((3, 3, "all tasks done"), (g.TasksDone, g.TasksTotal, g.StatusReason)));
        Assert.Equal([cancelled], cancelledListed.Select(g => g.GoalId));
        Assert.Empty(unfinished);
        Assert.Equal(4, all.Count);
        Assert.Equal(0, _checkpointReads.Count);

        // What the list shows of a goal is what GetGoal, which reads the checkpoint, shows.
        var got = await _operator.GetGoalAsync(done[0]);
        var listed = all.Single(g => g.GoalId == done[0]);
        Assert.Equal((got.Status, got.StatusReason, got.TasksDone, got.UpdatedAt), (listed.Status, listed.StatusReason, listed.TasksDone, listed.UpdatedAt));
    }

    [Fact]
    public async Task ListGoals_AGoalListedBeforeTheIndexKeptStatuses_IsListedFromItsCheckpoint()
    {
        // As a goal submitted before this version: listed without a summary, its coordinator not told where it is listed.
        var grains = _host.Silo.GrainFactory;
        var submittedAt = DateTimeOffset.UtcNow;
        await grains.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(submittedAt)).Add(new GoalListing("g-old", new GoalSubmission(ContentGoal, SubmittedAt: submittedAt)));
        await grains.GetGrain<ICoordinatorGrain>("g-old").Submit(new GoalRequest(ContentGoal));
        await Eventually.WaitUntilAsync(async () => (await grains.GetGrain<ICoordinatorGrain>("g-old").Status()).Phase == GoalPhase.Done,
            "the old goal is done", TimeSpan.FromSeconds(60));
        _checkpointReads.Reset();

        var doneListed = await ListAsync(GoalStatus.Done);
        var running = await ListAsync(GoalStatus.Running);

        Assert.Equal("g-old", Assert.Single(doneListed).GoalId);
        Assert.Equal(3, doneListed[0].TasksDone);
        Assert.Empty(running);
        Assert.Equal(2, _checkpointReads.Count);
    }

    [Fact]
    public async Task ListGoals_BadPaging_IsInvalidArgument()
    {
        await AssertStatusAsync(StatusCode.InvalidArgument, "page_size", () => _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 501 }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "page_token", () => _operator.ListGoalsAsync(new ListGoalsRequest { PageToken = "not a token" }));
        await AssertStatusAsync(StatusCode.InvalidArgument, "statuses", () => _operator.ListGoalsAsync(new ListGoalsRequest { Statuses = { (GoalStatus)42 } }));
    }

    [Fact]
    public async Task CancelGoal_StopsIt_RecordsWhy_AndIsIdempotent_ButAFinishedGoalIsFailedPrecondition()
    {
        // Onboarding sends an email; with no connector configured it never finishes on its own.
        var goal = await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = "Onboard Cancel Corp", RequestId = "cancel-1" });

        var cancelled = await _operator.CancelGoalAsync(goal.GoalId, "the customer changed their mind");
        var again = await _operator.CancelGoalAsync(goal.GoalId, "twice");

        Assert.Equal(GoalStatus.Cancelled, cancelled.Status);
        Assert.Equal(GoalStatus.Cancelled, again.Status);
        var events = await _operator.QueryEventsAsync(new QueryEventsRequest { Filter = new EventFilter { GrainType = "goal", GrainKey = goal.GoalId } });
        var cancellation = Assert.Single(events.Events, e => e.Kind == "goal.cancelled");
        Assert.Contains("changed their mind", cancellation.PayloadJson, StringComparison.Ordinal);
        Assert.StartsWith("key:", cancellation.Provenance.Actor, StringComparison.Ordinal);
        var done = await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, RequestId = "cancel-done" });
        await WaitForStatusAsync(_operator, done.GoalId, GoalStatus.Done);
        await AssertStatusAsync(StatusCode.FailedPrecondition, "done", () => _operator.CancelGoalAsync(done.GoalId, "too late"));
        await AssertStatusAsync(StatusCode.NotFound, "g-0000000000000001", () => _operator.CancelGoalAsync("g-0000000000000001", ""));
    }

    [Fact]
    public async Task WatchGoal_StreamsTheGoal_ThenEachChange_UntilItIsDone()
    {
        var goal = await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, RequestId = "watch-1" });
        var updates = new List<GoalUpdate>();

        await foreach (var update in _operator.WatchGoal(goal.GoalId, new CallOptions(TimeSpan.FromSeconds(60))))
        {
            updates.Add(update);
        }

        Assert.Null(updates[0].Entry);
        Assert.All(updates.Skip(1), u => Assert.NotNull(u.Entry));
        Assert.Equal(GoalStatus.Done, updates[^1].Goal.Status);
        Assert.Equal("done", updates[^1].Entry.Kind);
        var history = (await _operator.GetGoalAsync(goal.GoalId)).History;
        Assert.Equal(history.TakeLast(updates.Count - 1).Select(e => e.Text), updates.Skip(1).Select(u => u.Entry.Text));
    }

    [Fact]
    public async Task WatchGoal_UnknownId_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in _operator.WatchGoal("g-00000000000000ff"))
            {
            }
        });

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Frontend_SubmitsAndReads_ButCannotCancel_AndReadOnly_CannotSubmit()
    {
        using var frontend = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Frontend));
        using var reader = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly));

        var goal = await frontend.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, RequestId = "frontend-1" });
        Assert.Equal(goal.GoalId, (await frontend.GetGoalAsync(goal.GoalId)).GoalId);
        Assert.Equal(goal.GoalId, (await reader.GetGoalAsync(goal.GoalId)).GoalId);
        Assert.StartsWith("key:", goal.Submitted.Actor, StringComparison.Ordinal);

        await AssertStatusAsync(StatusCode.PermissionDenied, "", () => frontend.CancelGoalAsync(goal.GoalId, "no"));
        await AssertStatusAsync(StatusCode.PermissionDenied, "", () => reader.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal }));
    }

    private async Task<List<Goal>> ListAsync(params GoalStatus[] statuses) =>
        [.. (await _operator.ListGoalsAsync(new ListGoalsRequest { PageSize = 500, Statuses = { statuses } })).Goals];

    internal static async Task<Goal> WaitForStatusAsync(AiOsClient client, string goalId, GoalStatus status)
    {
        Goal goal = null!;
        await Eventually.WaitUntilAsync(async () => (goal = await client.GetGoalAsync(goalId)).Status == status,
            $"goal {goalId} is {status}", TimeSpan.FromSeconds(60));
        return goal;
    }

    internal static async Task AssertStatusAsync<T>(StatusCode status, string detailContains, Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(detailContains, error.Detail, StringComparison.Ordinal);
    }
}

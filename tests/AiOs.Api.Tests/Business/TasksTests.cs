using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using static AiOs.Api.Tests.Business.GoalsTests;

namespace AiOs.Api.Tests.Business;

/// <summary>aios.v1.Tasks: the tasks of goals that ran on the real workforce.</summary>
public sealed class TasksTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;
    private string _first = null!;
    private string _second = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _operator = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.Operator));
        _first = (await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal, RequestId = "tasks-1" })).GoalId;
        _second = (await _operator.SubmitGoalAsync(new SubmitGoalRequest { Text = ContentGoal + " again", RequestId = "tasks-2" })).GoalId;
        await WaitForStatusAsync(_operator, _first, GoalStatus.Done);
        await WaitForStatusAsync(_operator, _second, GoalStatus.Done);
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ListTasks_OfAGoal_AreItsPlan_InOrder_WithResults()
    {
        var tasks = (await _operator.ListTasksAsync(new ListTasksRequest { GoalId = _first })).Tasks;

        Assert.Equal([$"{_first}/research", $"{_first}/draft", $"{_first}/review"], tasks.Select(t => t.TaskId));
        Assert.Equal(["researcher", "writer", "support"], tasks.Select(t => t.Role));
        Assert.All(tasks, t => Assert.Equal(GoalTaskStatus.Done, t.Status));
        Assert.All(tasks, t => Assert.NotEmpty(t.Result));
        Assert.All(tasks, t => Assert.NotNull(t.StartedAt));
        Assert.Equal(["research"], tasks[1].DependsOn);
    }

    [Fact]
    public async Task GetTask_GivesTheResultAndConfidence()
    {
        var task = await _operator.GetTaskAsync($"{_first}/draft");

        Assert.Equal("writer", task.Role);
        Assert.Equal(GoalTaskStatus.Done, task.Status);
        Assert.InRange(task.Confidence, 0.01, 1);
        Assert.NotNull(task.FinishedAt);
    }

    [Fact]
    public async Task GetTask_UnknownOrMalformed_IsNotFoundOrInvalidArgument()
    {
        await AssertStatusAsync(StatusCode.NotFound, "draft", () => _operator.GetTaskAsync("g-0000000000000000/draft"));
        await AssertStatusAsync(StatusCode.NotFound, "nope", () => _operator.GetTaskAsync($"{_first}/nope"));
        await AssertStatusAsync(StatusCode.InvalidArgument, "task_id", () => _operator.GetTaskAsync("draft"));
    }

    [Fact]
    public async Task ListTasks_AcrossGoals_PagesWithoutRepeats_AndFiltersByRole()
    {
        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await _operator.ListTasksAsync(new ListTasksRequest { PageSize = 4, PageToken = token });
            Assert.True(page.Tasks.Count <= 4);
            seen.AddRange(page.Tasks.Select(t => t.TaskId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(6, seen.Count);
        Assert.Equal(6, seen.Distinct().Count());
        Assert.StartsWith(_second, seen[0], StringComparison.Ordinal);
        var writers = await _operator.ListTasksAsync(new ListTasksRequest { Role = "writer" });
        Assert.Equal([$"{_second}/draft", $"{_first}/draft"], writers.Tasks.Select(t => t.TaskId));
    }

    [Fact]
    public async Task ListTasks_OfAnUnknownGoal_IsNotFound()
    {
        await AssertStatusAsync(StatusCode.NotFound, "g-00000000000000aa", () => _operator.ListTasksAsync(new ListTasksRequest { GoalId = "g-00000000000000aa" }));
    }
}

using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;
using AiOs.Workforce.Roles;
using WorkforceTier = AiOs.Workforce.Models.ModelTier;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Tasks: the tasks of goals' plans, read from their coordinators' checkpoints. A task's id is
/// <c>&lt;goal id&gt;/&lt;task id&gt;</c>.</summary>
internal sealed class TasksService(GoalReader goals, RoleDirectory roles) : IGrpcService
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    // Goals read at most by one list across goals; the page may come back short, with a token to continue.
    private const int MaxGoalsScanned = 500;

    public void Bind(ServiceBinder binder)
    {
        var service = TasksReflection.Descriptor.Services[0];
        binder.Unary<GetTaskRequest, GoalTask>(service, "GetTask", GetAsync);
        binder.Unary<ListTasksRequest, ListTasksResponse>(service, "ListTasks", ListAsync);
    }

    private async Task<GoalTask> GetAsync(GetTaskRequest request, ServerCallContext call)
    {
        var id = Fields.Id("task_id", request.TaskId);
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == id.Length - 1)
        {
            throw Fields.Invalid("task_id", $"'{id}' is not a task id: they read <goal id>/<task id>, e.g. g-1a2b/research");
        }

        var goalId = id[..slash];
        if (await goals.Grains.GetGrain<IGoalGrain>(goalId).Get().ConfigureAwait(false) is null)
        {
            throw Fields.NotFound("task", id);
        }

        var state = await goals.CheckpointAsync(goalId).ConfigureAwait(false);
        var record = state.Tasks.FirstOrDefault(t => t.Task.Id == id[(slash + 1)..]) ?? throw Fields.NotFound("task", id);
        var task = GoalViews.ToTask(goalId, state, record, TierOf(record), GoalViews.History(state));
        if (record.Phase == TaskPhase.Done && await goals.Grains.GetGrain<IRoleTaskGrain>(id).Result().ConfigureAwait(false) is { } result)
        {
            task.Confidence = result.Confidence;
        }

        return task;
    }

    private async Task<ListTasksResponse> ListAsync(ListTasksRequest request, ServerCallContext call)
    {
        var pageSize = Fields.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        var statuses = Fields.Statuses("statuses", request.Statuses);
        var role = Fields.Optional("role", request.Role, 200);
        var (after, taskIndex) = GoalReader.ParseToken(request.PageToken);
        var response = new ListTasksResponse();

        if (request.GoalId.Length > 0)
        {
            var (_, state) = await goals.LoadAsync("goal_id", request.GoalId).ConfigureAwait(false);
            var next = Add(response, request.GoalId, state, taskIndex, pageSize, statuses, role);
            var position = new GoalPosition(0, request.GoalId);
            response.NextPageToken = next is { } index ? GoalReader.Token(position, index) : "";
            return response;
        }

        // Across goals, newest goal first, each goal's tasks in plan order. The token is the goal to continue in and the
        // task index in it.
        var scanned = 0;
        var first = true;
        await foreach (var listing in GoalIndex.ReadAsync(goals.Grains, Before(after), null, null, null, 50, call.CancellationToken).ConfigureAwait(false))
        {
            var state = await goals.CheckpointAsync(listing.GoalId).ConfigureAwait(false);
            var next = Add(response, listing.GoalId, state, first ? taskIndex : 0, pageSize, statuses, role);
            first = false;
            if (next is { } index)
            {
                response.NextPageToken = GoalReader.Token(listing.Position, index);
                return response;
            }

            if (++scanned == MaxGoalsScanned)
            {
                // Continue after this goal: the position just past it in the index order.
                response.NextPageToken = GoalReader.Token(listing.Position, int.MaxValue);
                return response;
            }
        }

        return response;
    }

    // The index reads after a position; to continue inside the goal at the token's position, start just before it.
    private static GoalPosition? Before(GoalPosition? position) =>
        position is null ? null : new GoalPosition(position.SubmittedTicks, position.GoalId + "\uffff");

    // Adds the goal's tasks from taskIndex on; returns the index to continue at when the page filled up before the end.
    private int? Add(ListTasksResponse response, string goalId, GoalState state, int taskIndex, int pageSize, HashSet<GoalTaskStatus> statuses, string? role)
    {
        var history = GoalViews.History(state);
        for (var i = taskIndex; i < state.Tasks.Count; i++)
        {
            var record = state.Tasks[i];
            if (role is not null && record.Task.Role != role)
            {
                continue;
            }

            var task = GoalViews.ToTask(goalId, state, record, TierOf(record), history);
            if (statuses.Count > 0 && !statuses.Contains(task.Status))
            {
                continue;
            }

            if (response.Tasks.Count == pageSize)
            {
                return i;
            }

            response.Tasks.Add(task);
        }

        return null;
    }

    private WorkforceTier TierOf(TaskRecord record) => roles.Find(record.Task.Role)?.Tier ?? WorkforceTier.Small;
}

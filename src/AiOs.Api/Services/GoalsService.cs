using System.Security.Cryptography;
using System.Text;
using AiOs.Api.Business;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Grpc;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Goals;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using Microsoft.Extensions.Options;

namespace AiOs.Api.Services;

/// <summary>aios.v1.Goals over the workforce: a goal's submission is its goal grain (idempotent by request id, because the
/// goal id is derived from it), where it stands is its coordinator's checkpoint, and the list comes from the goal index
/// (day grains, newest first), which also keeps where each goal stands as its coordinator last reported it, so that a list
/// reads no checkpoints.</summary>
internal sealed class GoalsService(GoalReader goals, PlaybookCatalog playbooks, IOptions<ModelOptions> models, TimeProvider time) : IGrpcService
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;
    private const int MaxTextLength = 10_000;

    // How many goals a list reads at most to fill one page when a status filter matches few: a page may then come back
    // short, with a token to continue.
    private const int MaxScanned = 2_000;
    private const int BatchSize = 32;

    /// <summary>How often a watch looks at the goal's checkpoint (the coordinator does not publish changes).</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    private IGrainFactory Grains => goals.Grains;

    public void Bind(ServiceBinder binder)
    {
        var service = GoalsReflection.Descriptor.Services[0];
        binder.Unary<SubmitGoalRequest, Goal>(service, "SubmitGoal", SubmitAsync);
        binder.Unary<GetGoalRequest, Goal>(service, "GetGoal", GetAsync);
        binder.Unary<ListGoalsRequest, ListGoalsResponse>(service, "ListGoals", ListAsync);
        binder.Unary<CancelGoalRequest, Goal>(service, "CancelGoal", CancelAsync);
        binder.ServerStreaming<WatchGoalRequest, GoalUpdate>(service, "WatchGoal", WatchAsync);
    }

    private async Task<Goal> SubmitAsync(SubmitGoalRequest request, ServerCallContext call)
    {
        var text = Fields.Text("text", request.Text, MaxTextLength);
        var requestId = Fields.Optional("request_id", request.RequestId, 200);
        var customerId = Fields.OptionalId("customer_id", request.CustomerId);
        var projectId = Fields.OptionalId("project_id", request.ProjectId);
        var playbook = Fields.Optional("playbook", request.Playbook, 200);
        if (playbook is not null && playbooks.Find(playbook) is null)
        {
            throw Fields.Invalid("playbook", $"there is no playbook '{playbook}' (there are: {string.Join(", ", playbooks.All.Select(p => p.Name))})");
        }

        DateTimeOffset? deadline = request.Deadline is { } d ? d.ToDateTimeOffset() : null;
        if (deadline is { } due && due <= time.GetUtcNow())
        {
            throw Fields.Invalid("deadline", "is in the past");
        }

        var (currency, micros) = Amounts.GoalBudget("budget", request.Budget, models.Value.Currency);
        await CheckReferencesAsync(customerId, projectId).ConfigureAwait(false);

        var goalId = GoalId(requestId);
        var submission = new GoalSubmission(text, customerId, projectId, playbook, deadline, currency, micros, requestId, "api", call.Actor);
        var stored = await Grains.GetGrain<IGoalGrain>(goalId).Submit(submission).ConfigureAwait(false);
        return GoalViews.ToGoal(goalId, stored, await goals.CheckpointAsync(goalId).ConfigureAwait(false), withHistory: false);
    }

    private async Task CheckReferencesAsync(string? customerId, string? projectId)
    {
        if (customerId is not null && await Grains.GetGrain<ICustomerGrain>(customerId).Get().ConfigureAwait(false) is null)
        {
            throw new RpcException(StatusCode.NotFound, $"customer_id: no customer '{customerId}'");
        }

        if (projectId is not null)
        {
            var project = await Grains.GetGrain<IProjectGrain>(projectId).Get().ConfigureAwait(false)
                ?? throw new RpcException(StatusCode.NotFound, $"project_id: no project '{projectId}'");
            if (customerId is not null && project.Value.CustomerId != customerId)
            {
                throw Fields.Invalid("project_id", $"project '{projectId}' belongs to customer '{project.Value.CustomerId}', not '{customerId}'");
            }
        }
    }

    // The same request id always names the same goal, on any silo: its goal grain then decides, in one place, that the
    // first submission wins. Without a request id every submission is a new goal.
    private static string GoalId(string? requestId) =>
        "g-" + (requestId is null
            ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestId)))[..16]);

    private async Task<Goal> GetAsync(GetGoalRequest request, ServerCallContext call)
    {
        var (submission, state) = await goals.LoadAsync("goal_id", request.GoalId).ConfigureAwait(false);
        return GoalViews.ToGoal(request.GoalId, submission, state, withHistory: true);
    }

    private async Task<ListGoalsResponse> ListAsync(ListGoalsRequest request, ServerCallContext call)
    {
        var pageSize = Fields.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        var statuses = Fields.Statuses("statuses", request.Statuses);
        var (after, _) = GoalReader.ParseToken(request.PageToken);
        var customerId = Fields.Optional("customer_id", request.CustomerId, 200);
        var projectId = Fields.Optional("project_id", request.ProjectId, 200);

        // The index filters by phase itself for the goals it has a summary of; the others (listed before it kept
        // summaries, or whose coordinator has not reported yet) come through and are looked up in their checkpoints.
        IReadOnlyList<GoalPhase> phases = [.. Enum.GetValues<GoalPhase>().Where(p => statuses.Contains(GoalViews.ToContract(p)))];
        var response = new ListGoalsResponse();
        var last = after;
        var scanned = 0;
        var more = false;
        var batch = new List<GoalListing>(BatchSize);
        await foreach (var listing in GoalIndex.ReadAsync(Grains, after, customerId, projectId, phases, 100, call.CancellationToken).ConfigureAwait(false))
        {
            batch.Add(listing);
            if (batch.Count == BatchSize)
            {
                if (await TakeAsync().ConfigureAwait(false))
                {
                    break;
                }

                batch.Clear();
            }
        }

        if (!more && batch.Count > 0)
        {
            await TakeAsync().ConfigureAwait(false);
        }

        response.NextPageToken = more && last is not null ? GoalReader.Token(last) : "";
        return response;

        // Adds the batch's goals that pass the status filter; true when the page is complete.
        async Task<bool> TakeAsync()
        {
            var unknown = batch.Where(l => l.Summary is null).ToList();
            var states = unknown.Count == 0 ? [] : await goals.CheckpointsAsync(unknown).ConfigureAwait(false);
            var checkpoints = unknown.Select((l, i) => (l.GoalId, State: states[i])).ToDictionary(p => p.GoalId, p => p.State, StringComparer.Ordinal);
            foreach (var listing in batch)
            {
                if (response.Goals.Count == pageSize || scanned == MaxScanned)
                {
                    more = true;
                    return true;
                }

                scanned++;
                last = listing.Position;
                var goal = listing.Summary is { } summary
                    ? GoalViews.ToGoal(listing.GoalId, listing.Submission, summary)
                    : GoalViews.ToGoal(listing.GoalId, listing.Submission, checkpoints[listing.GoalId], withHistory: false);
                if (statuses.Count == 0 || statuses.Contains(goal.Status))
                {
                    response.Goals.Add(goal);
                }
            }

            return false;
        }
    }

    private async Task<Goal> CancelAsync(CancelGoalRequest request, ServerCallContext call)
    {
        var reason = Fields.Optional("reason", request.Reason, 1_000) ?? "cancelled through the API";
        var (submission, state) = await goals.LoadAsync("goal_id", request.GoalId).ConfigureAwait(false);
        if (state.Phase is GoalPhase.Done or GoalPhase.Failed)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"goal '{request.GoalId}' is {state.Phase.ToString().ToLowerInvariant()} already; only an unfinished goal can be cancelled");
        }

        if (state.Phase != GoalPhase.Cancelled)
        {
            await Grains.GetGrain<IGoalGrain>(request.GoalId).Cancel(reason, "api", call.Actor).ConfigureAwait(false);

            // A running plan stops at its next step, an instant later: answer with the goal once it has.
            for (var i = 0; i < 50 && !GoalViews.IsFinal(state.Phase); i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, call.CancellationToken).ConfigureAwait(false);
                state = await goals.CheckpointAsync(request.GoalId).ConfigureAwait(false);
            }
        }

        return GoalViews.ToGoal(request.GoalId, submission, state, withHistory: false);
    }

    private async Task WatchAsync(WatchGoalRequest request, ServerStreamWriter<GoalUpdate> stream, ServerCallContext call)
    {
        var (submission, state) = await goals.LoadAsync("goal_id", request.GoalId).ConfigureAwait(false);
        await stream.WriteAsync(new GoalUpdate { Goal = GoalViews.ToGoal(request.GoalId, submission, state, withHistory: false) }).ConfigureAwait(false);
        var seen = state.History.Count;
        while (!GoalViews.IsFinal(state.Phase))
        {
            await Task.Delay(PollInterval, time, call.CancellationToken).ConfigureAwait(false);
            state = await goals.CheckpointAsync(request.GoalId).ConfigureAwait(false);
            if (state.History.Count > seen)
            {
                var goal = GoalViews.ToGoal(request.GoalId, submission, state, withHistory: false);
                foreach (var line in state.History.Skip(seen))
                {
                    await stream.WriteAsync(new GoalUpdate { Goal = goal, Entry = GoalViews.ToEntry(line) }).ConfigureAwait(false);
                }

                seen = state.History.Count;
            }
        }
    }
}

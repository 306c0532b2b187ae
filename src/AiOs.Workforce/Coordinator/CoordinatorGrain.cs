using AiOs.Persistence.Spend;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Budgets;
using AiOs.Workforce.Goals;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Coordinator;

/// <summary>Owns a goal: plan (playbook or planner model, validated, re-planned up to a limit, then escalated), run
/// (independent tasks in parallel, retries with exponential backoff and jitter, then the fallback tier, then escalation),
/// checkpoint after every step transition. The grain is reentrant and the run is a one-shot timer tick, so that status and
/// cancel are answered while tasks run; the run is the only writer of the checkpoint while it runs (Submit writes only
/// before it starts, Cancel only when none runs). A durable reminder restarts
/// the run after a crash even if nobody calls the goal.
/// Pausing (by the operator, by a budget that a model call would overshoot, or at the goal's deadline) lets running tasks
/// finish and starts no new one; the goal is then <see cref="GoalPhase.Paused"/> until <see cref="Resume"/>, which carries
/// on from the checkpoint. A goal paused by a budget is resumed by <see cref="Budgets.IBudgetsGrain"/> when the operator
/// sets a budget.</summary>
[GrainType("coordinator")]
[Reentrant]
public sealed partial class CoordinatorGrain(
    [PersistentState("goal")] IPersistentState<GoalState> goal,
    RoleDirectory roles,
    PlaybookCatalog playbooks,
    ModelCatalog models,
    IOptions<WorkforceOptions> options,
    TimeProvider time,
    ISpendStore spend) : Grain, ICoordinatorGrain, IRemindable
{
    private const string ResumeReminder = "resume";

    // How long Cancel and Erase wait, in real time, for a run to reach its next step.
    private static readonly TimeSpan RunEndWait = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _cancel = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // Approvals decided since the run last looked; the run (the checkpoint's one writer) moves their tasks back to pending.
    private readonly HashSet<string> _decided = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _driving;

    // Completed when no run is going and the last one's checkpoint is written: what Cancel and Erase wait for, so that
    // their callers see the goal as it ended rather than as it was a write earlier.
    private TaskCompletionSource _runEnded = Ended();

    // The last summary of the goal the index took from this activation, and whether the last try to send one failed.
    private GoalSummary? _published;
    private bool _indexCurrent;

    // Asked for while a run was going: drive once more when it ends.
    private bool _driveAgain;

    // A pause waiting for the running tasks to finish: who asked and why.
    private (string By, string Reason)? _hold;

    private WorkforceOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (goal.State.Phase is GoalPhase.Planning or GoalPhase.Running && goal.State.Request is not null)
        {
            StartDriving();
        }

        return Task.CompletedTask;
    }

    public async Task<GoalStatus> Submit(GoalRequest goalRequest)
    {
        ArgumentNullException.ThrowIfNull(goalRequest);
        if (goal.State.Request is null)
        {
            if (goalRequest.Deadline is { } deadline && deadline <= time.GetUtcNow())
            {
                throw new ArgumentException($"The goal's deadline {deadline:u} has already passed.", nameof(goalRequest));
            }

            if (goalRequest.Budget is { } budget)
            {
                await spend.SetBudgetAsync(BudgetKey.Goal(GrainId.Key), BudgetMicros(budget), time.GetUtcNow(), "goal request");
            }

            goal.State = new GoalState { Request = goalRequest, Phase = GoalPhase.Planning, History = [$"{Now()} submitted: {goalRequest.Text}"] };
            await goal.WriteStateAsync();
            await RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            await PublishAsync();
            StartDriving();
        }

        return Snapshot();
    }

    public Task<GoalStatus> Status() => Task.FromResult(Snapshot());

    // A copy: the run goes on changing the state after this call returns.
    public Task<GoalState> Checkpoint() => Task.FromResult(WorkforceJson.Deserialize<GoalState>(WorkforceJson.Serialize(goal.State)));

    public async Task<GoalStatus> Cancel()
    {
        if (goal.State.Phase is GoalPhase.Done or GoalPhase.Failed or GoalPhase.Cancelled)
        {
            return Snapshot();
        }

        await _cancel.CancelAsync();
        if (!_driving)
        {
            // No run owns the checkpoint (waiting for the operator): this call writes it.
            await FinishAsync(GoalPhase.Cancelled, "cancelled by the operator");
        }
        else
        {
            // The run stops at its next step and writes the cancellation: answer once it has, unless a step ignores the
            // cancellation for long (the goal is then cancelled a moment after this answer).
            await RunEndedAsync();
        }

        return Snapshot();
    }

    public async Task<GoalStatus> Pause(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (goal.State.Phase is GoalPhase.Done or GoalPhase.Failed or GoalPhase.Cancelled or GoalPhase.Paused || goal.State.Request is null)
        {
            return Snapshot();
        }

        if (_driving)
        {
            // The run owns the checkpoint: it pauses the goal once its running tasks have finished. The operator's pause
            // replaces a budget's or the deadline's, so that a budget change cannot call it off.
            _hold = _hold is { By: "operator" } asked ? asked : ("operator", reason);
        }
        else
        {
            await PauseAsync("operator", reason);
        }

        return Snapshot();
    }

    public async Task<GoalStatus> Resume()
    {
        if (goal.State.Phase != GoalPhase.Paused)
        {
            // A pause still waiting for running tasks is called off, and the run starts what it held back.
            _hold = null;
            _wake.TrySetResult();
            return Snapshot();
        }

        goal.State.DeadlineWaived |= goal.State.PausedBy == "deadline";
        goal.State.Phase = goal.State.Tasks.Count == 0 ? GoalPhase.Planning : GoalPhase.Running;
        goal.State.Escalation = null;
        goal.State.PausedBy = null;
        _hold = null;
        await CheckpointAsync(goal.State.DeadlineWaived && goal.State.Request?.Deadline < time.GetUtcNow() ? "resumed by the operator, past the deadline" : "resumed");
        StartDriving();
        return Snapshot();
    }

    public async Task BudgetChanged()
    {
        if (goal.State.Phase == GoalPhase.Paused && goal.State.PausedBy == "budget")
        {
            await Resume();
        }
        else if (_hold is { By: "budget" })
        {
            _hold = null;
            _wake.TrySetResult();
        }
    }

    public Task<GoalStatus> ApprovalDecided(string approvalId)
    {
        ArgumentException.ThrowIfNullOrEmpty(approvalId);
        if (goal.State.Tasks.Any(t => t.Phase == TaskPhase.WaitingForApproval && t.ApprovalId == approvalId)
            && goal.State.Phase is GoalPhase.Running or GoalPhase.WaitingForApproval)
        {
            _decided.Add(approvalId);
            _wake.TrySetResult();
            StartDriving();
        }

        return Task.FromResult(Snapshot());
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (GoalSummary.IsFinal(goal.State.Phase))
        {
            // The goal ended but its summary did not reach the index (FinishAsync keeps the reminder for that): try again,
            // and stop once the index has it.
            await PublishAsync(required: true, force: true);
            await UnregisterReminder(ResumeReminder);
            return;
        }

        if (!_indexCurrent)
        {
            await PublishAsync();
        }

        if (goal.State.Phase is GoalPhase.Planning or GoalPhase.Running)
        {
            StartDriving();
        }
        else if (goal.State.Phase == GoalPhase.WaitingForApproval)
        {
            // A wake-up lost to a crash between the decision and the call: look at the approvals themselves.
            foreach (var waiting in goal.State.Tasks.Where(t => t.Phase == TaskPhase.WaitingForApproval && t.ApprovalId is not null).ToList())
            {
                if (await GrainFactory.GetGrain<IApprovalGrain>(waiting.ApprovalId!).Get() is { IsDecided: true })
                {
                    await ApprovalDecided(waiting.ApprovalId!);
                }
            }
        }
    }

    private void StartDriving()
    {
        if (_driving)
        {
            _driveAgain = true;
            return;
        }

        _driving = true;
        if (_runEnded.Task.IsCompleted)
        {
            _runEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        RegisterGrainTimer(DriveAsync, new GrainTimerOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    private async Task DriveAsync(CancellationToken _)
    {
        try
        {
            if (goal.State.Phase == GoalPhase.Planning && !await PlanWithinBudgetAsync())
            {
                return;
            }

            await RunAsync();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            await FinishAsync(GoalPhase.Cancelled, "cancelled by the operator");
        }
        finally
        {
            _driving = false;
            if (_cancel.IsCancellationRequested && goal.State.Phase is not (GoalPhase.Done or GoalPhase.Failed or GoalPhase.Cancelled))
            {
                // The run ended some other way after the operator cancelled (a storage error, say): Cancel left the
                // checkpoint to the run, so the cancellation is written here rather than lost until the next reminder.
                await FinishAsync(GoalPhase.Cancelled, "cancelled by the operator");
            }

            if (_driveAgain)
            {
                _driveAgain = false;
                if (goal.State.Phase is GoalPhase.Planning or GoalPhase.Running)
                {
                    StartDriving();
                }
            }

            // Decided while the run was finishing: run again for them.
            if (_decided.Count > 0 && goal.State.Phase is GoalPhase.Running or GoalPhase.WaitingForApproval)
            {
                StartDriving();
            }

            if (!_driving)
            {
                _runEnded.TrySetResult();
            }
        }
    }

    // Waits at most RunEndWait (how long a caller is kept waiting, not the goal's business time, hence the real clock) for
    // the run to end; the caller then answers with the goal as it stands.
    private async Task RunEndedAsync()
    {
        try
        {
            await _runEnded.Task.WaitAsync(RunEndWait, TimeProvider.System);
        }
        catch (TimeoutException)
        {
            // Still running: the caller's answer says so.
        }
    }

    private static TaskCompletionSource Ended()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ended.SetResult();
        return ended;
    }

    private async Task<bool> PlanAsync()
    {
        var request = goal.State.Request!;
        IReadOnlyList<string> problems = [];
        while (goal.State.PlanAttempts < Options.MaxPlanAttempts)
        {
            _cancel.Token.ThrowIfCancellationRequested();
            goal.State.PlanAttempts++;
            string json;
            try
            {
                json = await PlanJsonAsync(request, problems);
            }
            catch (BudgetExceededException)
            {
                // Not an attempt: no plan was asked for.
                goal.State.PlanAttempts--;
                throw;
            }

            (var plan, problems) = PlanValidator.Parse(json, roles.Contains, Options.MaxPlanTasks);
            if (plan is not null)
            {
                goal.State.Tasks = [.. plan.Tasks.Select(t => new TaskRecord { Task = t })];
                goal.State.Phase = GoalPhase.Running;
                await CheckpointAsync($"planned {plan.Tasks.Count} tasks: {string.Join(", ", plan.Tasks.Select(t => $"{t.Id} ({t.Role})"))}");
                return true;
            }

            await CheckpointAsync($"plan {goal.State.PlanAttempts} rejected: {string.Join("; ", problems)}");
        }

        await EscalateAsync($"no valid plan after {Options.MaxPlanAttempts} attempts; last problems: {string.Join("; ", problems)}");
        return false;
    }

    private async Task<string> PlanJsonAsync(GoalRequest request, IReadOnlyList<string> previousProblems)
    {
        if (request.Playbook is { } name)
        {
            return playbooks.PlanFor($"playbook:{name}") ?? $$"""{"tasks":[],"error":"no playbook '{{name}}'"}""";
        }

        var prompt = $"Goal: {request.Text}\nRoles: {string.Join(", ", roles.All.Select(r => $"{r.Name} ({r.Accepts})"))}\n" +
            "Answer with JSON {\"tasks\":[{\"id\",\"role\",\"instructions\",\"dependsOn\":[ids],\"actions\":[...]}]}." +
            (previousProblems.Count > 0 ? $"\nYour previous plan was rejected: {string.Join("; ", previousProblems)}" : "");
        var response = await models.For(ModelTier.Large).GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You plan work for a one-person company's agents."), new ChatMessage(ChatRole.User, prompt)],
            new ChatOptions { ResponseFormat = ChatResponseFormat.Json }.With(ModelCallContext.TaskKind, "plan")
                .For(new SpendSubject(GrainId.Key, Role: "planner", CustomerId: request.CustomerId)), _cancel.Token);
        return response.Text;
    }

    // False when the goal did not get a plan (escalated, or held by a budget).
    private async Task<bool> PlanWithinBudgetAsync()
    {
        var budgetChanges = await Budgets.Changes();
        try
        {
            return await PlanAsync();
        }
        catch (BudgetExceededException ex)
        {
            // The planner's call was not made.
            await HoldForBudgetAsync(ex.Message, budgetChanges);
            if (Hold() is { } held)
            {
                await PauseAsync(held.By, held.Reason);
            }
            else
            {
                _driveAgain = true;
            }

            return false;
        }
    }

    private async Task RunAsync()
    {
        var running = new Dictionary<Task<TaskOutcome>, TaskRecord>();
        while (true)
        {
            _cancel.Token.ThrowIfCancellationRequested();
            await ResumeDecidedAsync();
            if (ReadyTasks(running).Count > 0)
            {
                // Read before the tasks' calls, so that a refusal can be told whether a budget was set after it. The ready
                // tasks are looked at again after this await: a pause may have come in meanwhile.
                var budgetChanges = await Budgets.Changes();
                foreach (var ready in ReadyTasks(running))
                {
                    ready.Phase = TaskPhase.Running;
                    ready.StartedAt ??= time.GetUtcNow();
                    await CheckpointAsync($"task {ready.Task.Id} started ({ready.Task.Role})");
                    running[ExecuteWithRetriesAsync(ready, budgetChanges)] = ready;
                }
            }

            if (running.Count == 0)
            {
                break;
            }

            var wake = _wake.Task;
            var first = await Task.WhenAny(Task.WhenAny(running.Keys), wake).WaitAsync(_cancel.Token);
            if (first == wake)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                continue;
            }

            var finished = await Task.WhenAny(running.Keys);
            var record = running[finished];
            running.Remove(finished);
            var outcome = await finished;
            _cancel.Token.ThrowIfCancellationRequested();
            record.Attempts += outcome.Attempts;
            record.LastError = outcome.Error ?? outcome.Result?.Refusal;
            if (outcome.Result is { AwaitingApproval: { } approvalId })
            {
                (record.Phase, record.ApprovalId) = (TaskPhase.WaitingForApproval, approvalId);
                await CheckpointAsync($"task {record.Task.Id} waits for approval {approvalId}");

                // Decided before the task was marked waiting, the wake-up found nothing to wake: the decision is read here.
                if (await GrainFactory.GetGrain<IApprovalGrain>(approvalId).Get() is { IsDecided: true })
                {
                    _decided.Add(approvalId);
                }
            }
            else if (outcome.Result is { Refused: false } result)
            {
                (record.Phase, record.Output, record.Tier, record.EndedAt) = (TaskPhase.Done, result.Output, result.Tier, time.GetUtcNow());
                goal.State.History.AddRange(result.Memory is { Count: > 0 } used ? [$"{Now()} task {record.Task.Id} used memory: {string.Join(" | ", used)}"] : []);
                await CheckpointAsync($"task {record.Task.Id} done on the {result.Tier} tier after {outcome.Attempts} attempt(s)");
            }
            else if (outcome.Hold is { } taskHold)
            {
                // Not done and not failed: it runs again when the goal resumes.
                record.Phase = TaskPhase.Pending;
                if (taskHold.By == "budget" && !await HoldForBudgetAsync(taskHold.Reason, outcome.BudgetChangesSeen))
                {
                    await CheckpointAsync($"task {record.Task.Id} stopped ({taskHold.By}): {taskHold.Reason}; a budget has been set since, so it runs again");
                    continue;
                }

                _hold ??= taskHold;
                await CheckpointAsync($"task {record.Task.Id} stopped ({taskHold.By}): {taskHold.Reason}");
            }
            else
            {
                (record.Phase, record.EndedAt) = (TaskPhase.Escalated, time.GetUtcNow());
                await CheckpointAsync($"task {record.Task.Id} escalated: {outcome.Result?.Refusal ?? outcome.Error}");
            }
        }

        if (Hold() is { } paused && goal.State.Tasks.Any(t => t.Phase is TaskPhase.Pending or TaskPhase.Running))
        {
            await PauseAsync(paused.By, paused.Reason);
        }
        else if (goal.State.Tasks.All(t => t.Phase == TaskPhase.Done))
        {
            await FinishAsync(GoalPhase.Done, "all tasks done");
        }
        else if (goal.State.Tasks.Any(t => t.Phase == TaskPhase.Escalated))
        {
            var stuck = goal.State.Tasks.Where(t => t.Phase == TaskPhase.Escalated).Select(t => $"{t.Task.Id}: {t.LastError ?? "refused"}");
            await EscalateAsync($"tasks need the operator: {string.Join("; ", stuck)}");
        }
        else
        {
            var waiting = goal.State.Tasks.Where(t => t.Phase == TaskPhase.WaitingForApproval).Select(t => $"{t.ApprovalId} (task {t.Task.Id})");
            await EscalateAsync($"waiting for approval: {string.Join(", ", waiting)}");
        }
    }

    private async Task ResumeDecidedAsync()
    {
        var resumed = goal.State.Tasks.Where(t => t.Phase == TaskPhase.WaitingForApproval && t.ApprovalId is { } id && _decided.Contains(id)).ToList();
        _decided.Clear();
        if (resumed.Count == 0)
        {
            return;
        }

        foreach (var task in resumed)
        {
            task.Phase = TaskPhase.Pending;
        }

        (goal.State.Phase, goal.State.Escalation) = (GoalPhase.Running, null);
        await CheckpointAsync($"approval decided: {string.Join(", ", resumed.Select(t => $"{t.ApprovalId} (task {t.Task.Id})"))}; resuming");
    }

    // Holds the goal for a budget's refusal and lists it with the budgets grain at once, not when the goal pauses, so that
    // a budget set while the other running tasks finish calls the hold off. Held before listed, so that such a change
    // finds the hold. False, and not held, when a budget was set after `changesSeen`: the refused call is made again now.
    private async Task<bool> HoldForBudgetAsync(string reason, long changesSeen)
    {
        _hold ??= ("budget", reason);
        if (await Budgets.WaitForBudget(GrainId.Key, changesSeen))
        {
            return true;
        }

        if (_hold is { By: "budget" })
        {
            _hold = null;
        }

        return false;
    }

    // The tasks that may start now: none while the goal is held.
    private List<TaskRecord> ReadyTasks(Dictionary<Task<TaskOutcome>, TaskRecord> running) =>
        Hold() is null
            ? goal.State.Tasks.Where(t => t.Phase is TaskPhase.Pending or TaskPhase.Running && !running.ContainsValue(t) && DependenciesDone(t)).ToList()
            : [];

    private bool DependenciesDone(TaskRecord record) =>
        (record.Task.DependsOn ?? []).All(d => goal.State.Tasks.Any(t => t.Task.Id == d && t.Phase == TaskPhase.Done));

    // Retries on the role's tier with exponential backoff and jitter, then once on the other tier; a refusal (outside the
    // role's contract) is not retried.
    private async Task<TaskOutcome> ExecuteWithRetriesAsync(TaskRecord record, long budgetChanges)
    {
        var contract = roles.Find(record.Task.Role)!;
        var worker = GrainFactory.GetGrain<IRoleTaskGrain>($"{GrainId.Key}/{record.Task.Id}");
        var inputs = (record.Task.DependsOn ?? []).ToDictionary(d => d, d => goal.State.Tasks.First(t => t.Task.Id == d).Output ?? "");
        var request = goal.State.Request!;
        string? error = null;
        var attempts = 0;
        var fallback = contract.Tier == ModelTier.Small ? ModelTier.Large : ModelTier.Small;
        for (var attempt = 1; attempt <= Options.MaxTaskAttempts + 1; attempt++)
        {
            _cancel.Token.ThrowIfCancellationRequested();
            if (DeadlineHold() is { } late)
            {
                return new TaskOutcome(null, attempts, null, late);
            }

            var tier = attempt > Options.MaxTaskAttempts ? fallback : (ModelTier?)null;
            attempts++;
            try
            {
                var result = await worker.Execute(new RoleTask(GrainId.Key, record.Task.Id, record.Task.Role, record.Task.Instructions, inputs,
                    request.CustomerId, record.Task.Actions, tier, goal.State.DeadlineWaived ? null : request.Deadline));
                return new TaskOutcome(result, attempts, null);
            }
            catch (BudgetExceededException ex)
            {
                // Not retried: the call was not made, and would not be until the operator raises the budget.
                return new TaskOutcome(null, attempts, null, ("budget", ex.Message), budgetChanges);
            }
            catch (GoalDeadlinePassedException ex)
            {
                return new TaskOutcome(null, attempts, null, ("deadline", ex.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex.Message;
            }

            if (attempt < Options.MaxTaskAttempts + 1)
            {
                var backoff = Options.RetryBaseDelay * Math.Pow(2, attempt - 1) * (1 + (Random.Shared.NextDouble() / 2));
                await Task.Delay(backoff, time, _cancel.Token);
            }
        }

        return new TaskOutcome(null, attempts, $"failed {attempts} times (last: {error})");
    }

    // Why no task may start now: a pause asked for, or the deadline passed (unless the operator waived it).
    private (string By, string Reason)? Hold() => _hold ?? DeadlineHold();

    private (string By, string Reason)? DeadlineHold() =>
        goal.State.Request?.Deadline is { } deadline && !goal.State.DeadlineWaived && time.GetUtcNow() > deadline
            ? ("deadline", $"the goal's deadline {deadline:u} has passed with {goal.State.Tasks.Count(t => t.Phase != TaskPhase.Done)} task(s) not done; resume to run on past it, or cancel")
            : null;

    // A budget's pause is on the budgets grain's list already: it was put there when the hold was taken, before the pause
    // can be seen. (A crash in between leaves a running goal on the list, which BudgetChanged passes over.)
    private async Task PauseAsync(string by, string reason)
    {
        _hold = null;
        goal.State.Phase = GoalPhase.Paused;
        goal.State.PausedBy = by;
        goal.State.Escalation = reason;
        await CheckpointAsync($"paused ({by}): {reason}");
    }

    private IBudgetsGrain Budgets => GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key);

    private static long BudgetMicros(decimal budget) =>
        budget is < 0 or > 1_000_000_000m
            ? throw new ArgumentException($"The goal's budget must be between 0 and 1,000,000,000 (got {budget}).", "goalRequest")
            : (long)Math.Round(budget * 1_000_000m, MidpointRounding.AwayFromZero);

    private async Task EscalateAsync(string reason)
    {
        goal.State.Phase = GoalPhase.WaitingForApproval;
        goal.State.Escalation = reason;
        await CheckpointAsync($"escalated to the operator: {reason}");
    }

    private async Task FinishAsync(GoalPhase phase, string note)
    {
        goal.State.Phase = phase;
        await CheckpointAsync(note);

        // Kept while the index lacks the end: the reminder then sends it again.
        if (_indexCurrent)
        {
            await UnregisterReminder(ResumeReminder);
        }
    }

    private async Task CheckpointAsync(string note)
    {
        goal.State.History.Add($"{Now()} {note}");

        // One write at a time: an operator's Pause or Resume may checkpoint while the run's own write is in flight, and
        // two writes from the same ETag would lose a race against each other. The later write carries both changes.
        await _writeGate.WaitAsync();
        try
        {
            await goal.WriteStateAsync();
        }
        finally
        {
            _writeGate.Release();
        }

        await PublishAsync();
    }

    // Tells the goal index where the goal stands, so that lists need not read every goal's checkpoint. Only when its
    // standing changed (phase, progress, escalation), not for every history line, because each update rewrites the day's
    // index; force: send it anyway. The index orders updates by their step, so interleaved or repeated calls cannot make
    // it go back. A failed update does not stop the goal: the next change, or the reminder, sends the summary again
    // (required: the failure is thrown, so that the reminder keeps trying).
    private async Task PublishAsync(bool required = false, bool force = false)
    {
        var summary = GoalSummary.Of(goal.State);
        if (goal.State.Request?.ListedAt is not { } listed)
        {
            _indexCurrent = true;
            return;
        }

        if (!force && _indexCurrent && _published is { } sent && sent.SameStanding(summary))
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(listed)).Update(GrainId.Key, summary);
            (_published, _indexCurrent) = (summary, true);
        }
        catch (Exception ex) when (!required && ex is not OperationCanceledException)
        {
            _indexCurrent = false;
        }
    }

    private string Now() => time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private GoalStatus Snapshot() => new(
        GrainId.Key,
        goal.State.Phase,
        goal.State.Tasks.Count(t => t.Phase == TaskPhase.Done),
        goal.State.Tasks.Count,
        goal.State.Escalation,
        [.. goal.State.History],
        goal.State.Tasks.ToDictionary(t => t.Task.Id, t => t.Output),
        [.. goal.State.Tasks.Where(t => t.Phase == TaskPhase.WaitingForApproval && t.ApprovalId is not null).Select(t => t.ApprovalId!)]);

    // BudgetChangesSeen: the budgets' change count read before the task's calls (see IBudgetsGrain.Changes).
    private sealed record TaskOutcome(RoleResult? Result, int Attempts, string? Error, (string By, string Reason)? Hold = null, long BudgetChangesSeen = 0);
}

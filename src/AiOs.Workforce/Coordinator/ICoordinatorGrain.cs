namespace AiOs.Workforce.Coordinator;

/// <summary>The coordinator of one goal, keyed by the goal's id: plans it, runs the plan, checkpoints every step.</summary>
public interface ICoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Takes the goal over and starts it; submitting the same goal id again returns its status.</summary>
    // Not named "request": the code generator (AiOs.CodeGenerator) uses that name for its own local in the proxy.
    Task<GoalStatus> Submit(GoalRequest goalRequest);

    Task<GoalStatus> Status();

    /// <summary>A copy of the goal's checkpoint (its request, plan, tasks and history), for readers such as the API.</summary>
    [ReadOnly]
    Task<GoalState> Checkpoint();

    /// <summary>Cancels the goal: no further task starts; tasks already running finish but their results are not used.</summary>
    Task<GoalStatus> Cancel();

    /// <summary>Pauses the goal: no further task starts; tasks already running finish and their results are kept, then
    /// the goal is <see cref="GoalPhase.Paused"/> with <paramref name="reason"/> as its escalation. A goal that has ended
    /// or is paused already is left as it is.</summary>
    Task<GoalStatus> Pause(string reason);

    /// <summary>Resumes a paused goal from its checkpoint (completed tasks are not run again). A goal paused at its
    /// deadline then runs on past it. Anything but a paused goal is left as it is.</summary>
    Task<GoalStatus> Resume();

    /// <summary>Told by the budgets grain that a budget was set: a goal paused by a budget resumes, and a budget's hold
    /// still waiting for running tasks is called off, so the refused task runs again (and is held again if the cap is
    /// still reached). A pause the operator asked for stays.</summary>
    Task BudgetChanged();
    /// <summary>An approval a task waits for was decided (by the operator or its default action): the task runs again at
    /// once and finds the decision. Unknown or already handled ids change nothing.</summary>
    Task<GoalStatus> ApprovalDecided(string approvalId);

    /// <summary>Erases what the checkpoint says about the goal's customer (the goal's text and customer, the tasks'
    /// instructions, outputs and errors, the history) and keeps its shape: phase, plan ids and roles, attempts, tiers,
    /// times. Only an ended goal is erased: a goal still running or waiting is refused.</summary>
    /// <exception cref="InvalidOperationException">The goal has not ended.</exception>
    Task Erase();
}

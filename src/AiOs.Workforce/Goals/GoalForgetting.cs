using AiOs.Memory;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Ledger;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Roles;

namespace AiOs.Workforce.Goals;

/// <summary>Forgetting a customer erases what the goals run for them hold about them: the submission (goal stream and
/// index), the coordinator's checkpoint texts, each task's draft and completion event, the approvals' payloads and the
/// ledger's requests and results. The goals' shape stays (ids, phases, roles, times, cost). A goal for the customer that
/// has not ended refuses the forget, naming it, before anything is removed: the operator cancels it or lets it finish,
/// since a running goal would write about the customer again right after.</summary>
public sealed class GoalForgetting(CustomerGoals goals, IGrainFactory grains, IApprovalStore approvals, IActionLedger ledger) : IMemoryForgetParticipant
{
    public async Task CheckCanForgetAsync(string customerId, CancellationToken cancellationToken)
    {
        var open = new List<string>();
        foreach (var (goalId, state) in await goals.FindAsync(customerId, cancellationToken))
        {
            if (GoalSummary.IsFinal(state.Phase))
            {
                continue;
            }

            // A checkpoint can trail its goal by the write in flight: the goal itself says whether it has ended.
            var live = await grains.GetGrain<ICoordinatorGrain>(goalId).Status().WaitAsync(cancellationToken);
            if (!GoalSummary.IsFinal(live.Phase))
            {
                open.Add($"{goalId} ({live.Phase})");
            }
        }

        if (open.Count > 0)
        {
            throw new ForgetRefusedException(
                $"customer '{customerId}' has goals that have not ended: {string.Join(", ", open)}; cancel them (aios goals cancel) or let them finish, then forget again");
        }
    }

    public async Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        long events = 0;
        long records = 0;
        var found = await goals.FindAsync(customerId, cancellationToken);
        foreach (var (goalId, state) in found)
        {
            // The checkpoint last: it is what finds the goal again, so an interrupted forget is finished by the next one.
            foreach (var task in state.Tasks)
            {
                events += await grains.GetGrain<IRoleTaskGrain>($"{goalId}/{task.Task.Id}").Erase();
            }

            events += await grains.GetGrain<IGoalGrain>(goalId).Erase();
            records += await approvals.EraseGoalApprovalsAsync(goalId, cancellationToken);
            records += await ledger.EraseGoalActionsAsync(goalId, cancellationToken);
            try
            {
                await grains.GetGrain<ICoordinatorGrain>(goalId).Erase();
            }
            catch (InvalidOperationException ex)
            {
                // Resumed or restarted since the check: what was erased stays erased, and the next forget finishes the job.
                throw new ForgetRefusedException($"{ex.Message}; forget the customer again once it has ended");
            }
        }

        return new ForgetContribution(EventPayloadsRedacted: events, GoalsErased: found.Count, RecordsErased: records);
    }
}

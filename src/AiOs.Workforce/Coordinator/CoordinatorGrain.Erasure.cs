using AiOs.Workforce.Goals;

namespace AiOs.Workforce.Coordinator;

// Forgetting a customer: the checkpoint keeps the goal's shape (what ran, by which role, how it ended, when) and loses
// every text, since any of them may quote the customer.
public sealed partial class CoordinatorGrain
{
    public async Task Erase()
    {
        var state = goal.State;
        if (state.Request is null)
        {
            return;
        }

        if (_driving && GoalSummary.IsFinal(state.Phase))
        {
            // Ended, with its run still writing the last checkpoint: erased once that is written, not refused.
            await RunEndedAsync();
        }

        if (_driving || !GoalSummary.IsFinal(state.Phase))
        {
            throw new InvalidOperationException($"goal '{GrainId.Key}' is {state.Phase}: cancel it or let it end before its customer is forgotten");
        }

        if (state.Request.Text == ErasedText)
        {
            return;
        }

        state.Request = state.Request with { Text = ErasedText, CustomerId = null, ProjectId = null };
        state.Escalation = null;
        state.History = [$"{Now()} erased: its customer was forgotten"];
        state.Tasks =
        [
            .. state.Tasks.Select(t => new TaskRecord
            {
                Task = t.Task with { Instructions = ErasedText },
                Phase = t.Phase,
                Attempts = t.Attempts,
                Tier = t.Tier,
                ApprovalId = t.ApprovalId,
                StartedAt = t.StartedAt,
                EndedAt = t.EndedAt,
            }),
        ];
        await goal.WriteStateAsync();
        DeactivateOnIdle();
    }

    /// <summary>What an erased text reads.</summary>
    public const string ErasedText = "(erased)";
}

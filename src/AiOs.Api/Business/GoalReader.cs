using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;

namespace AiOs.Api.Business;

/// <summary>Reads a goal: its submission (the goal grain) and where it stands (its coordinator's checkpoint).</summary>
internal sealed class GoalReader(IGrainFactory grains)
{
    public IGrainFactory Grains => grains;

    /// <summary>The goal, or NOT_FOUND.</summary>
    public async Task<(GoalSubmission Submission, GoalState State)> LoadAsync(string field, string goalId)
    {
        Fields.Id(field, goalId);
        var submission = await grains.GetGrain<IGoalGrain>(goalId).Get().ConfigureAwait(false) ?? throw Fields.NotFound("goal", goalId);
        return (submission, await CheckpointAsync(goalId).ConfigureAwait(false));
    }

    public Task<GoalState> CheckpointAsync(string goalId) => grains.GetGrain<ICoordinatorGrain>(goalId).Checkpoint();

    /// <summary>The checkpoints of several listed goals, read in parallel.</summary>
    public Task<GoalState[]> CheckpointsAsync(IEnumerable<GoalListing> listings) =>
        Task.WhenAll(listings.Select(l => CheckpointAsync(l.GoalId)));

    /// <summary>A position in the goal index as a page token, and back.</summary>
    public static string Token(GoalPosition position, int taskIndex = 0) =>
        Fields.EncodeToken(FormattableString.Invariant($"{position.SubmittedTicks}|{taskIndex}|{position.GoalId}"));

    public static (GoalPosition? Position, int TaskIndex) ParseToken(string token)
    {
        if (Fields.DecodeToken(token) is not { } text)
        {
            return (null, 0);
        }

        var parts = text.Split('|', 3);
        return parts.Length == 3 && long.TryParse(parts[0], out var ticks) && int.TryParse(parts[1], out var taskIndex) && taskIndex >= 0
            ? (new GoalPosition(ticks, parts[2]), taskIndex)
            : throw Fields.Invalid("page_token", "is not a token returned by this method");
    }
}

using AiOs.Persistence;
using AiOs.Runtime;
using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Goals;

/// <summary>Finds every goal for a customer from the coordinators' stored checkpoints rather than the goal index: every
/// goal has a coordinator, while the index lists only goals submitted through their goal grain (not, for example, those
/// scheduled runs started before they went through goal grains).</summary>
public sealed class CustomerGoals(IGrainStateBrowser states, SiloRuntime runtime)
{
    private const string CoordinatorType = "coordinator";
    private const string CheckpointName = "goal";

    /// <summary>The goals whose request names <paramref name="customerId"/>, with their checkpoints. Reads storage only:
    /// no coordinator is activated.</summary>
    public async Task<IReadOnlyList<(string GoalId, GoalState State)>> FindAsync(string customerId, CancellationToken cancellationToken)
    {
        var found = new List<(string, GoalState)>();
        var keys = await states.ListKeysAsync(CoordinatorType, int.MaxValue, cancellationToken);
        foreach (var key in keys)
        {
            var rows = await states.ReadStatesAsync(new GrainId(CoordinatorType, key), cancellationToken);
            if (rows.FirstOrDefault(r => r.StateName == CheckpointName)?.State.Json is { } json
                && runtime.StateSerializer.Deserialize(json, typeof(GoalState)) is GoalState { Request.CustomerId: { } customer } state
                && customer == customerId)
            {
                found.Add((key, state));
            }
        }

        return found;
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Goals;

/// <summary>Reads the goal index across its day grains: every goal, newest first, from a position on.</summary>
public static class GoalIndex
{
    /// <summary>The key of the one <see cref="IGoalDaysGrain"/>.</summary>
    public const string DaysKey = "all";

    /// <summary>The index day (UTC) of a submission time.</summary>
    public static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The goals after <paramref name="after"/> (null: from the newest) in newest-first order, read from the
    /// day grains in batches of <paramref name="batchSize"/>; with <paramref name="phases"/>, only those the index knows
    /// to be in one of them, and those it does not know the phase of.</summary>
    public static async IAsyncEnumerable<GoalListing> ReadAsync(
        IGrainFactory grains, GoalPosition? after, string? customerId, string? projectId, IReadOnlyList<GoalPhase>? phases, int batchSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var days = await grains.GetGrain<IGoalDaysGrain>(DaysKey).Days();
        var firstDay = after?.Day;
        foreach (var day in days)
        {
            if (firstDay is not null && string.CompareOrdinal(day, firstDay) > 0)
            {
                continue;
            }

            var position = firstDay == day ? after : null;
            var index = grains.GetGrain<IGoalIndexGrain>(day);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await index.Page(position, customerId, projectId, phases, batchSize);
                foreach (var listing in page)
                {
                    yield return listing;
                }

                if (page.Count < batchSize)
                {
                    break;
                }

                position = page[^1].Position;
            }
        }
    }
}

using AiOs.Memory;
using AiOs.Persistence.Schedules;

namespace AiOs.Workforce.Schedules;

/// <summary>Forgetting a customer deletes the schedules that start goals for them (a follow-up a goal scheduled, a
/// recurring report): their spec names the customer and describes the work for them.</summary>
public sealed class ScheduleForgetting(IScheduleStore schedules, IGrainFactory grains) : IMemoryForgetParticipant
{
    public async Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        long removed = 0;
        foreach (var row in await schedules.ListSchedulesAsync([], cancellationToken))
        {
            if (WorkforceJson.Deserialize<ScheduleSpec>(row.Spec).Goal.CustomerId == customerId
                && await grains.GetGrain<IScheduleGrain>(row.ScheduleId).Delete())
            {
                removed++;
            }
        }

        return new ForgetContribution(SchedulesRemoved: removed);
    }
}

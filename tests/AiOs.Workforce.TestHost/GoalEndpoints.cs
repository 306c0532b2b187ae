using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;

namespace AiOs.Workforce.TestHost;

/// <summary>Submit a goal, read its status, and read what a test needs to prove exactly-once: each task's completion
/// events in the event log and the goal's entries in the action ledger; add a customer and approve an item, as the
/// operator would.</summary>
internal static class GoalEndpoints
{
    public static WebApplication MapGoalEndpoints(this WebApplication app)
    {
        app.MapPost("/goals/{id}", (string id, GoalRequest goal, IGrainFactory grains) => grains.GetGrain<ICoordinatorGrain>(id).Submit(goal));
        app.MapGet("/goals/{id}", (string id, IGrainFactory grains) => grains.GetGrain<ICoordinatorGrain>(id).Status());
        app.MapGet("/goals/{id}/completions", async (string id, IGrainFactory grains, IEventLog events) =>
        {
            // Read from the log, not from the grains: a task that ran twice would show two events (or a conflict) here.
            var status = await grains.GetGrain<ICoordinatorGrain>(id).Status();
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var task in status.Outputs.Keys)
            {
                var stream = await events.ReadStreamAsync(new GrainId("role-task", $"{id}/{task}"), 0, 100);
                counts[task] = stream.Count;
            }

            return counts;
        });
        app.MapGet("/goals/{id}/actions", (string id, IActionLedger ledger) => ledger.ReadGoalAsync(id));
        app.MapPost("/customers/{id}", (string id, Customer customer, IGrainFactory grains) =>
            grains.GetGrain<ICustomerGrain>(id).Save(customer, new EventProvenance("test-host", "operator")));
        app.MapPost("/approvals/{id}/approve", (string id, IGrainFactory grains) =>
            grains.GetGrain<IApprovalGrain>(id).Decide(new ApprovalDecision(ApprovalChoice.Approve, "operator")));
        return app;
    }
}

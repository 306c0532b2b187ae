using System.Text.Json.Nodes;
using AiOs.Memory;
using AiOs.Persistence.Events;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Goals;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using AiOs.Workforce.Schedules;
using AiOs.Workforce.Tests.Scenarios;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Forgetting;

/// <summary>Forgetting a customer after goals ran for them: the onboarding goal (plan, drafts, an approved email sent
/// through the real SMTP server, a follow-up scheduled) leaves the customer's name, email and id in goal, coordinator,
/// task, approval, ledger, spend and schedule rows and events; forget removes every one of them, and the event chain
/// still verifies.</summary>
public abstract class ForgetCustomerAfterGoalsTests(ITestStorage storage, ITestOutputHelper output) : ScenarioTestBase(storage, output)
{
    private const string Name = "Zebulon Quibbleworth";

    [Fact]
    public async Task Forget_AfterAnOnboardingGoalRan_NoTableHoldsTheCustomersIdNameOrEmail_ChainVerifies()
    {
        var email = $"zq-{Guid.NewGuid():N}"[..14] + "@quibble.example";
        var model = ModelAnswering(
            (role, context) => role switch
            {
                "researcher" => $"{context["customer"]!["name"]} is a new customer who wants monthly reports.",
                "writer" => $"Dear {context["customer"]!["name"]}, welcome aboard! We will write to you at {context["customer"]!["email"]}.",
                "outreach" => context["inputs"]?["welcome"]?.GetValue<string>() ?? "check-in scheduled",
                "bookkeeper" => $"Invoice 1 for {context["customer"]!["name"]}: onboarding, 500.00",
                _ => $"{role}: done",
            },
            (role, messages) => messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()) ? null : role switch
            {
                "researcher" => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "open_project", new Dictionary<string, object?> { ["name"] = $"Onboarding {Name}" })])),
                "outreach" when messages.Any(m => m.Text.Contains("check-in", StringComparison.Ordinal)) => new ChatResponse(new ChatMessage(ChatRole.Assistant,
                    [new FunctionCallContent("call-2", "schedule_follow_up", new Dictionary<string, object?> { ["inDays"] = 3, ["goal"] = $"check in with {Name}", ["playbook"] = "check-in" })])),
                _ => null,
            });
        var database = Storage.NewDatabase();
        var silo = await StartAsync(database, model, o =>
            o.Playbooks.Add(new Playbook("check-in", [], new Plan([new PlannedTask("check-in", "writer", "Draft a short check-in note for the customer.")]))));

        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Create(new Customer(Name, email), new EventProvenance("operator-api", "operator"));
        var goalId = NewId("onboard");
        await silo.GrainFactory.GetGrain<IGoalGrain>(goalId).Submit(new GoalSubmission($"onboard {Name}", customerId, Playbook: "onboard-customer"));
        var waiting = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);
        var approval = silo.GrainFactory.GetGrain<IApprovalGrain>(Assert.Single(waiting.WaitingApprovals!));
        var payload = JsonNode.Parse((await approval.Get())!.Payload)!.AsObject();
        payload["text"] = $"Dear {Name}, welcome! Reply to {email} any time.";
        await approval.Decide(new ApprovalDecision(ApprovalChoice.EditAndApprove, "key:op", $"warmer for {Name}", payload.ToJsonString()));
        await WaitForAsync(silo, goalId, GoalPhase.Done);
        Assert.Single(Smtp.MessagesTo(email));

        // The follow-up the goal scheduled runs too: a second goal for the customer, submitted by the schedule.
        var followUpId = WorkforceTools.FollowUpIdFor(goalId);
        Assert.NotNull(await silo.GrainFactory.GetGrain<IScheduleGrain>(followUpId).Get());
        var at = Clock.GetUtcNow().AddDays(3);
        await AdvanceWhenScheduledAsync(silo, TimeSpan.FromDays(3));
        var followUpGoal = ScheduledGoals.GoalId(followUpId, at);
        await WaitForAsync(silo, followUpGoal, GoalPhase.Done);
        foreach (var identifier in new[] { customerId, Name, email })
        {
            Assert.NotEmpty(await Storage.FindEverywhereAsync(database, identifier));
        }

        var report = await silo.Services.GetRequiredService<MemoryService>().ForgetCustomerAsync(customerId, new EventProvenance("operator-api", "operator"));

        var left = new List<string>();
        foreach (var identifier in new[] { customerId, Name, email })
        {
            left.AddRange((await Storage.FindEverywhereAsync(database, identifier)).Select(place => $"'{identifier}' in {place}"));
        }

        Assert.True(left.Count == 0, string.Join("; ", left));

        Output.WriteLine(report.ToString());
        Assert.Equal((2, 1), (report.GoalsErased, report.SchedulesRemoved));
        Assert.True(report.RecordsErased > 0 && report.EventPayloadsRedacted > 0, report.ToString());

        // The goals keep their shape: how they ended, their plan's ids and roles; not a word about the customer.
        var status = await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Status();
        Assert.Equal((GoalPhase.Done, 5, 5), (status.Phase, status.TasksDone, status.TasksTotal));
        var checkpoint = await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Checkpoint();
        Assert.Equal(["research", "welcome", "send", "invoice", "follow-up"], checkpoint.Tasks.Select(t => t.Task.Id));
        Assert.Equal((CoordinatorGrain.ErasedText, null), (checkpoint.Request!.Text, checkpoint.Request.CustomerId));
        Assert.Null(await silo.GrainFactory.GetGrain<IScheduleGrain>(followUpId).Get());
        var verification = await EventChainVerifier.VerifyAsync(silo.Services.GetRequiredService<IEventLog>());
        Assert.True(verification.IsIntact, verification.ToString());
    }

    [Fact]
    public async Task Forget_WhileAGoalForTheCustomerWaitsForApproval_IsRefusedNamingIt_NothingRemoved_ThenForgetsOnceCancelled()
    {
        var email = $"zq-{Guid.NewGuid():N}"[..14] + "@quibble.example";
        var model = ModelAnswering((role, context) => role == "writer" ? $"Dear {context["customer"]!["name"]}, welcome!" : $"{role}: done");
        var database = Storage.NewDatabase();
        var silo = await StartAsync(database, model);
        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Create(new Customer(Name, email), new EventProvenance("operator-api", "operator"));
        var goalId = NewId("onboard");
        await silo.GrainFactory.GetGrain<IGoalGrain>(goalId).Submit(new GoalSubmission($"onboard {Name}", customerId, Playbook: "onboard-customer"));
        await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);
        var memory = silo.Services.GetRequiredService<MemoryService>();

        var refused = await Assert.ThrowsAsync<ForgetRefusedException>(() => memory.ForgetCustomerAsync(customerId, new EventProvenance("operator-api", "operator")));
        Assert.Contains($"{goalId} (WaitingForApproval)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(email, (await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Get())!.Value.Email);
        Assert.Equal($"onboard {Name}", (await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Checkpoint()).Request!.Text);

        await silo.GrainFactory.GetGrain<IGoalGrain>(goalId).Cancel("customer asked to be forgotten", "operator-api", "operator");
        var report = await memory.ForgetCustomerAsync(customerId, new EventProvenance("operator-api", "operator"));
        Assert.Equal(1, report.GoalsErased);
        foreach (var identifier in new[] { customerId, Name, email })
        {
            Assert.Empty(await Storage.FindEverywhereAsync(database, identifier));
        }
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteForgetCustomerAfterGoalsTests(SqliteTestStorage storage, ITestOutputHelper output) : ForgetCustomerAfterGoalsTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlForgetCustomerAfterGoalsTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : ForgetCustomerAfterGoalsTests(storage, output), IClassFixture<PostgreSqlTestStorage>;

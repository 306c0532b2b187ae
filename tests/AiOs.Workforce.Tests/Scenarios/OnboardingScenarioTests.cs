using System.Text.Json.Nodes;
using AiOs.Persistence.Events;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using AiOs.Workforce.Schedules;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Scenarios;

/// <summary>Scenario 1 of issue 6, onboarding a customer end to end: the built-in onboarding playbook plans the goal, the
/// researcher opens the customer's project, the writer drafts a welcome with the customer's details, the default policy
/// holds the email for approval, the operator edits and approves it, and the real SMTP server receives exactly that text
/// once; a follow-up three days later (test clock) runs once.</summary>
public abstract class OnboardingScenarioTests(ITestStorage storage, ITestOutputHelper output) : ScenarioTestBase(storage, output)
{
    [Fact]
    public async Task Onboarding_PlaybookPlan_DraftWithCustomerDetails_EditedAndApproved_OneRealEmail_FollowUpInThreeDays_ProjectWithProvenance()
    {
        var model = ModelAnswering(
            (role, context) => role switch
            {
                "researcher" => "Acme Ltd is a new customer; they want their monthly reports automated.",
                "writer" => $"Dear {context["customer"]!["name"]}, welcome aboard! We will write to you at {context["customer"]!["email"]}.",
                "outreach" => context["inputs"]?["welcome"]?.GetValue<string>() ?? "check-in scheduled",
                "bookkeeper" => "Invoice 1: onboarding, 500.00",
                _ => $"{role}: done",
            },
            (role, messages) => messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any()) ? null : role switch
            {
                "researcher" => new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "open_project", new Dictionary<string, object?> { ["name"] = "Onboarding Acme Ltd" })])),
                "outreach" when messages.Any(m => m.Text.Contains("check-in", StringComparison.Ordinal)) => new ChatResponse(new ChatMessage(ChatRole.Assistant,
                    [new FunctionCallContent("call-2", "schedule_follow_up", new Dictionary<string, object?> { ["inDays"] = 3, ["goal"] = "check in with Acme Ltd", ["playbook"] = "check-in" })])),
                _ => null,
            });
        var silo = await StartAsync(Storage.NewDatabase(), model, o =>
            o.Playbooks.Add(new Playbook("check-in", [], new Plan([new PlannedTask("check-in", "writer", "Draft a short check-in note for the customer.")]))));

        // The operator adds the customer and sets the goal; the plan is the onboarding playbook's.
        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Create(new Customer("Acme Ltd", "ops@acme.example"), new EventProvenance("operator-api", "operator"));
        var goalId = NewId("onboard");
        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("onboard Acme Ltd", customerId, Playbook: "onboard-customer"));

        var waiting = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);
        var plan = await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Checkpoint();
        Assert.Equal(["research", "welcome", "send", "invoice", "follow-up"], plan.Tasks.Select(t => t.Task.Id));
        Assert.Empty(Smtp.Messages());
        var approval = silo.GrainFactory.GetGrain<IApprovalGrain>(Assert.Single(waiting.WaitingApprovals!));
        var item = (await approval.Get())!;
        Assert.Equal(("customer-emails", "email.send"), (item.PolicyRule, item.ActionKind));
        var drafted = JsonNode.Parse(item.Payload)!["text"]!.GetValue<string>();
        Assert.Equal("Dear Acme Ltd, welcome aboard! We will write to you at ops@acme.example.", drafted);

        // The operator edits the text and approves; the real SMTP server gets exactly the edited text, once.
        var payload = JsonNode.Parse(item.Payload)!.AsObject();
        payload["text"] = "Dear Acme team, welcome aboard! Your first report arrives on Friday.";
        await approval.Decide(new ApprovalDecision(ApprovalChoice.EditAndApprove, "key:op", "warmer tone", payload.ToJsonString()));
        var done = await WaitForAsync(silo, goalId, GoalPhase.Done);
        Assert.Equal((5, 5), (done.TasksDone, done.TasksTotal));

        var mail = Assert.Single(Smtp.MessagesTo("ops@acme.example"));
        Assert.Contains("Dear Acme team, welcome aboard! Your first report arrives on Friday.", mail.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("We will write to you at", mail.Body, StringComparison.Ordinal);
        Assert.Contains(Sender, mail.Header("From"), StringComparison.Ordinal);

        // The project the researcher opened, with its provenance: which goal, task and agent made it.
        var project = (await silo.GrainFactory.GetGrain<IProjectGrain>(WorkforceTools.ProjectIdFor(goalId)).Get())!;
        Assert.Equal((customerId, "Onboarding Acme Ltd"), (project.Value.CustomerId, project.Value.Name));
        Assert.Equal(new EventProvenance("goal", "agent:researcher", $"goal/{goalId}/task/research"), project.ChangedBy);
        Assert.Contains($"project/{project.Id}", (await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Get())!.Links);

        // The follow-up the goal scheduled after the email went out, three days ahead, for the customer and the project: it
        // does not run before, runs once when the clock gets there, and sends nothing more.
        var followUpId = WorkforceTools.FollowUpIdFor(goalId);
        var scheduled = (await silo.GrainFactory.GetGrain<IScheduleGrain>(followUpId).Get())!;
        var at = Clock.GetUtcNow().AddDays(3);
        Assert.Equal(at, scheduled.NextRunAt);
        Assert.Equal(new GoalTemplate("check in with Acme Ltd", customerId, project.Id, "check-in"), scheduled.Spec.Goal);
        await AdvanceWhenScheduledAsync(silo, TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await silo.GrainFactory.GetGrain<IScheduleGrain>(followUpId).Get())!.Progress.Runs);
        await AdvanceWhenScheduledAsync(silo, TimeSpan.FromMinutes(1));

        var followUp = await WaitForAsync(silo, ScheduledGoals.GoalId(followUpId, at), GoalPhase.Done);
        Assert.Contains("check-in", followUp.Outputs.Keys);
        var view = (await silo.GrainFactory.GetGrain<IScheduleGrain>(followUpId).Get())!;
        Assert.Equal((1, ScheduleStatus.Completed), (view.Progress.Runs, view.Status));
        Assert.Single(Smtp.MessagesTo("ops@acme.example"));
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteOnboardingScenarioTests(SqliteTestStorage storage, ITestOutputHelper output) : OnboardingScenarioTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlOnboardingScenarioTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : OnboardingScenarioTests(storage, output), IClassFixture<PostgreSqlTestStorage>;

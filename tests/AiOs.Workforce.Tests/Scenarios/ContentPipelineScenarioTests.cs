using System.Text;
using System.Text.Json.Nodes;
using AiOs.Connectors.Webhook;
using AiOs.Persistence;
using AiOs.Persistence.Ledger;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Schedules;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Scenarios;

/// <summary>Scenario 2 of issue 6, the weekly content pipeline: a cron schedule starts the README's example playbook (brief,
/// draft, review, publish) every Monday; across two weeks of the test clock, the real HTTP receiver gets each run's reviewed piece
/// exactly once, signed with the shared secret.</summary>
public abstract class ContentPipelineScenarioTests(ITestStorage storage, ITestOutputHelper output) : ScenarioTestBase(storage, output)
{
    // The README's playbook example, exactly as an operator would configure it.
    private static readonly Playbook Weekly = Assert.Single(ReadmePlaybook.Playbooks());

    [Fact]
    public async Task WeeklyCron_TwoRuns_BriefDraftReviewPublish_ReceiverGetsEachRunOnce_WithAValidSignature()
    {
        var briefs = 0;
        var model = ModelAnswering((role, context) => (role, context["instructions"]!.GetValue<string>()) switch
        {
            ("writer", var i) when i.StartsWith("Write the brief", StringComparison.Ordinal) => $"Brief {Interlocked.Increment(ref briefs)}: automation for small firms",
            ("writer", _) => $"Post on {context["inputs"]!["brief"]}",
            ("support", _) => $"Reviewed. {context["inputs"]!["draft"]}",
            ("outreach", _) => context["inputs"]!["review"]!.GetValue<string>(),
            _ => throw new InvalidOperationException($"no answer scripted for role {role}"),
        });
        var silo = await StartAsync(Storage.NewDatabase(), model, o => o.Playbooks.Add(Weekly));
        var id = NewId("weekly");
        var schedule = silo.GrainFactory.GetGrain<IScheduleGrain>(id);
        var created = await schedule.Create(new ScheduleSpec("weekly post", "0 0 9 ? * MON", null, null, new GoalTemplate("write and publish this week's post", Playbook: Weekly.Name)));
        Assert.Null(created.Refusal);

        var goals = new List<string>();
        for (var run = 1; run <= 2; run++)
        {
            var due = (await schedule.Get())!.NextRunAt!.Value;
            await Eventually.WaitUntilAsync(async () => (await Reminder(silo, id))?.NextDue == due, $"the schedule's reminder is armed for {due:O}");
            await AdvanceWhenScheduledAsync(silo, due - Clock.GetUtcNow());
            var goalId = ScheduledGoals.GoalId(id, due);
            var done = await WaitForAsync(silo, goalId, GoalPhase.Done);
            Assert.Equal((4, 4), (done.TasksDone, done.TasksTotal));
            Assert.Equal(run, Webhook.Requests.Count);
            goals.Add(goalId);
        }

        Assert.Equal(2, (await schedule.Get())!.Progress.Runs);
        Assert.Equal(2, Webhook.Requests.Count);
        var received = Webhook.Requests.ToList();
        for (var run = 0; run < 2; run++)
        {
            var request = received[run];
            Assert.True(WebhookSignature.Verify(WebhookSecret, request.Headers[WebhookSignature.Header], request.Body, Clock.GetUtcNow(), TimeSpan.FromDays(8)),
                $"run {run + 1}'s request carries a valid signature");
            Assert.False(WebhookSignature.Verify("another-secret-0123456789", request.Headers[WebhookSignature.Header], request.Body, Clock.GetUtcNow(), TimeSpan.FromDays(8)));
            Assert.Equal(ActionKey.For(goals[run], "publish", 0, "webhook.post"), request.Headers["Idempotency-Key"]);
            var body = JsonNode.Parse(Encoding.UTF8.GetString(request.Body))!;
            Assert.Equal($"Reviewed. Post on Brief {run + 1}: automation for small firms", body["text"]!.GetValue<string>());
        }
    }

    private static Task<ReminderEntry?> Reminder(TestSilo silo, string id) =>
        silo.Services.GetRequiredService<IReminderTable>().ReadAsync(new GrainId("schedule", id), "tick");
}

[Trait("Category", "Integration")]
public sealed class SqliteContentPipelineScenarioTests(SqliteTestStorage storage, ITestOutputHelper output) : ContentPipelineScenarioTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlContentPipelineScenarioTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : ContentPipelineScenarioTests(storage, output), IClassFixture<PostgreSqlTestStorage>;

using AiOs.Persistence.Approvals;
using AiOs.Testing;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Tests.Coordinator;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Approvals;

/// <summary>Approval deadlines on a test clock: past the deadline the escalation notice goes out once through the
/// configured connector action; past the grace period the default action is taken once, also when the silo was restarted
/// in between (the reminder and the item are durable).</summary>
public abstract class ApprovalDeadlineTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly RecordingConnector _connector = new();
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Deadline_EscalatesOnce_ThenAfterARestartTheDefaultRejectHappensOnce()
    {
        var database = Storage.NewDatabase();
        var silo = await StartAsync(database);
        var id = "apr-" + Guid.NewGuid().ToString("N");
        var now = _clock.GetUtcNow();
        await silo.GrainFactory.GetGrain<IApprovalGrain>(id).Open(Item(id, now + TimeSpan.FromHours(1), now + TimeSpan.FromHours(2), ApprovalDefault.Reject, "medium"));

        await AdvanceWhenScheduledAsync(silo, TimeSpan.FromHours(1));
        await Eventually.WaitUntilAsync(async () => (await ReadAsync(silo, id)).Status == ApprovalState.Escalated, "the approval is escalated");
        var notice = Assert.Single(_connector.Calls);
        Assert.Equal("webhook.post", notice.Action);
        Assert.Contains("\"to\":\"operator@example.com\"", notice.Request, StringComparison.Ordinal);
        Assert.Contains(id, notice.Request, StringComparison.Ordinal);

        // Further ticks before the grace period ends send nothing more.
        await AdvanceWhenScheduledAsync(silo, Minute * 10);
        await StopSiloAsync(silo);
        var restarted = await StartAsync(database);
        await Eventually.WaitUntilAsync(() => restarted.Runtime.ScheduledReminders.Any(r => r.GrainId.Key == id), "the restarted silo loads the approval's reminder");
        for (var i = 0; i < 6; i++)
        {
            // In steps: a tick handled while the clock jumps may re-arm for a time the jump has already passed.
            await AdvanceWhenScheduledAsync(restarted, Minute * 10);
        }

        await Eventually.WaitUntilAsync(async () => (await ReadAsync(restarted, id)).Status == ApprovalState.Rejected, "the default action rejects it");
        var rejected = await ReadAsync(restarted, id);

        // Long after: nothing happens again.
        for (var i = 0; i < 3; i++)
        {
            await AdvanceWhenScheduledAsync(restarted, TimeSpan.FromHours(1));
        }

        var later = await ReadAsync(restarted, id);
        Assert.Single(_connector.Calls);
        Assert.Equal((ApprovalDefaultActor, rejected.Version), (later.DecidedBy, later.Version));
        Assert.Contains("default action: reject", later.DecisionReason, StringComparison.Ordinal);
        Assert.DoesNotContain(restarted.Runtime.ScheduledReminders, r => r.GrainId.Key == id);
    }

    [Fact]
    public async Task DefaultApprove_IsHeldForAKindThatIsNotLowRisk_AndTakenForALowRiskOne()
    {
        var silo = await StartAsync(Storage.NewDatabase());
        var now = _clock.GetUtcNow();
        var medium = "apr-" + Guid.NewGuid().ToString("N");
        var low = "apr-" + Guid.NewGuid().ToString("N");
        await silo.GrainFactory.GetGrain<IApprovalGrain>(medium).Open(Item(medium, now + Minute, now + (Minute * 2), ApprovalDefault.Approve, "medium"));
        await silo.GrainFactory.GetGrain<IApprovalGrain>(low).Open(Item(low, now + Minute, now + (Minute * 2), ApprovalDefault.Approve, "low"));

        for (var i = 0; i < 3; i++)
        {
            await AdvanceWhenScheduledAsync(silo, Minute);
        }

        await Eventually.WaitUntilAsync(async () => (await ReadAsync(silo, low)).IsDecided && (await ReadAsync(silo, medium)).Status == ApprovalState.Expired, "both defaults are applied");
        Assert.Equal(ApprovalState.Approved, (await ReadAsync(silo, low)).Status);
        Assert.Contains("low-risk kinds only", (await ReadAsync(silo, medium)).DecisionReason, StringComparison.Ordinal);
        Assert.Equal(2, _connector.Calls.Count);
    }

    private const string ApprovalDefaultActor = ApprovalGrain.DefaultActor;

    private static async Task<ApprovalRecord> ReadAsync(TestSilo silo, string id) => (await silo.GrainFactory.GetGrain<IApprovalGrain>(id).Get())!;

    private static ApprovalRecord Item(string id, DateTimeOffset deadline, DateTimeOffset graceEnds, ApprovalDefault fallback, string risk) => new(
        id, ApprovalKind.Action, "goal-" + id, "send", "act-" + id, "email.send", risk, "Send hello to ops@acme.example", """{"text":"hello"}""",
        "customer-emails", "emails to customers need approval", 0.9, [], ApprovalState.Pending, deadline - TimeSpan.FromHours(1), deadline, graceEnds, fallback);

    // A re-armed reminder's timer must exist before the clock moves, or its tick would come a whole period late.
    private async Task AdvanceWhenScheduledAsync(TestSilo silo, TimeSpan by)
    {
        await Eventually.WaitUntilAsync(() => silo.Runtime.ScheduledReminders.All(r => r.NextDue > _clock.GetUtcNow()), "the reminders are scheduled ahead");
        _clock.Advance(by);
    }

    private async Task<TestSilo> StartAsync(string database)
    {
        var silo = await TestSilo.StartAsync(
            typeof(ApprovalGrain).Assembly,
            services: s =>
            {
                Storage.AddStorage(s, database);
                s.AddAiOsWorkforce();
                s.Configure<ApprovalOptions>(o => (o.EscalationAction, o.EscalationRecipient) = ("webhook.post", "operator@example.com"));
                s.AddSingleton<IConnector>(_connector);
            },
            time: _clock,
            output: Output);
        Track(silo);
        return silo;
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteApprovalDeadlineTests(SqliteTestStorage storage, ITestOutputHelper output) : ApprovalDeadlineTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlApprovalDeadlineTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : ApprovalDeadlineTests(storage, output), IClassFixture<PostgreSqlTestStorage>;

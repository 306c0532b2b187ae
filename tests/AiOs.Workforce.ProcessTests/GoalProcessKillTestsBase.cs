using System.Globalization;
using System.Net.Http.Json;
using AiOs.Persistence.Ledger;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;

namespace AiOs.Workforce.ProcessTests;

/// <summary>A goal in a real service process that is killed (SIGKILL) in the middle of the goal, while an external action
/// is in flight, and started again on the same data. One subclass per storage provider.</summary>
[Trait("Category", "Integration")]
public abstract class GoalProcessKillTestsBase(ITestOutputHelper output) : IDisposable
{
    private const string Banner = "AiOs is running at ";
    private static readonly TimeSpan GoalTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _data = new("aios-wf-kill");
    private bool _disposed;
    private readonly WebhookReceiver _webhook = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    // Holds the fifth email's recipient command: the process is killed while step 5 of the ten-step goal is sending.
    private readonly SmtpServer _smtp = new() { HoldAt = 5 };

    [Fact]
    public async Task Goal_AfterTheSiloProcessIsKilledMidAction_Resumes_WithEveryStepAndTheActionDoneExactlyOnce()
    {
        var goalId = $"goal-{Guid.NewGuid():N}";
        GoalStatus beforeKill;
        await using (var first = Start("silo-1", out var address))
        {
            await first.WaitForLineAsync(Banner);
            var submitted = await _http.PostAsJsonAsync($"{address}/goals/{goalId}", new GoalRequest("onboard the new customer", Playbook: "onboard-customer"), TestContext.Current.CancellationToken);
            submitted.EnsureSuccessStatusCode();

            // The outreach task's email is now in flight and held by the receiver: the kill lands mid-step.
            await Eventually.WithinAsync(_webhook.FirstArrived, "the goal's email reaches the webhook", GoalTimeout);
            beforeKill = await StatusAsync(address, goalId);
            first.Kill();
            await first.WaitForExitAsync();
        }

        _webhook.ReleaseFirst();
        await using var second = Start("silo-2", out var restarted);
        await second.WaitForLineAsync(Banner);
        GoalStatus? done = null;
        await Eventually.WaitUntilAsync(async () => (done = await StatusAsync(restarted, goalId)).Phase == GoalPhase.Done, $"goal {goalId} is done after the restart", GoalTimeout);

        Assert.Equal(GoalPhase.Running, beforeKill.Phase);
        Assert.DoesNotContain(beforeKill.History, h => h.Contains("task send done", StringComparison.Ordinal));
        Assert.Equal(5, done!.TasksTotal);
        Assert.Equal(done.TasksTotal, done.TasksDone);

        // Every task completed exactly once, in the goal's history and in the event log.
        var completions = await _http.GetFromJsonAsync<Dictionary<string, int>>($"{restarted}/goals/{goalId}/completions", TestContext.Current.CancellationToken);
        Assert.Equal(done.Outputs.Keys.Order(StringComparer.Ordinal), completions!.Keys.Order(StringComparer.Ordinal));
        Assert.All(completions, c => Assert.Equal(1, c.Value));
        foreach (var task in done.Outputs.Keys)
        {
            Assert.Single(done.History, h => h.Contains($"task {task} done on the ", StringComparison.Ordinal));
        }

        // No task completed before the kill started again after it; the one in flight did (that is the resume).
        foreach (var task in beforeKill.History.Where(h => h.Contains(" done on the ", StringComparison.Ordinal)).Select(TaskOf))
        {
            Assert.Single(done.History, h => h.Contains($"task {task} started", StringComparison.Ordinal));
        }

        Assert.Equal(2, done.History.Count(h => h.Contains("task send started", StringComparison.Ordinal)));

        // The email was sent again after the restart, with the same idempotency key: one action for the receiver.
        Assert.True(_webhook.Keys.Count >= 2, $"the webhook saw {_webhook.Keys.Count} request(s); the in-flight one must be resent");
        Assert.Single(_webhook.Keys.Distinct(StringComparer.Ordinal));
        var actions = await _http.GetFromJsonAsync<List<ActionEntry>>($"{restarted}/goals/{goalId}/actions", TestContext.Current.CancellationToken);
        var action = Assert.Single(actions!);
        Assert.Equal(_webhook.Keys.First(), action.Key);
        Assert.Equal(ActionStatus.Succeeded, action.Status);
        Assert.Equal(_webhook.Keys.Count, action.Attempts);
    }

    [Fact]
    public async Task TenStepEmailGoal_KilledDuringStep5_CompletesAfterTheRestart_AndTheMailServerGetsEveryEmailExactlyOnce()
    {
        await _smtp.InitializeAsync();
        var settings = TenEmailSettings();
        var goalId = $"goal-{Guid.NewGuid():N}";
        GoalStatus beforeKill;
        await using (var first = Start("silo-1", out var address, settings))
        {
            await first.WaitForLineAsync(Banner);
            (await _http.PostAsJsonAsync($"{address}/customers/acme", new Customer("Acme Ltd", "ops@acme.example"), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            (await _http.PostAsJsonAsync($"{address}/goals/{goalId}", new GoalRequest("send the ten updates", "acme", Playbook: "ten-updates"), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

            // Step 5's email is being sent, held by the mail server before it accepted anything: kill the silo now.
            GoalStatus? sending = null;
            try
            {
                await Eventually.WaitUntilAsync(async () => (sending = await StatusAsync(address, goalId)) is not null && _smtp.Holding, "the mail server holds step 5's email", GoalTimeout);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message} The goal is {sending?.Phase}: {string.Join(" | ", sending?.History ?? [])} ({sending?.Escalation})", ex);
            }

            beforeKill = await StatusAsync(address, goalId);
            first.Kill();
            await first.WaitForExitAsync();
        }

        Assert.Equal(GoalPhase.Running, beforeKill.Phase);
        Assert.Contains(beforeKill.History, h => h.Contains("task step4 done", StringComparison.Ordinal));
        Assert.DoesNotContain(beforeKill.History, h => h.Contains("task step5 done", StringComparison.Ordinal));
        Assert.Equal(4, _smtp.MessagesTo("ops@acme.example").Count);

        await using var second = Start("silo-2", out var restarted, settings);
        await second.WaitForLineAsync(Banner);

        // SMTP cannot be repeated safely (no idempotency key), so the interrupted send is not blindly repeated: the
        // operator is asked. The mail server shows it never arrived, so the operator approves the resend.
        GoalStatus? waiting = null;
        await Eventually.WaitUntilAsync(async () => (waiting = await StatusAsync(restarted, goalId)).Phase == GoalPhase.WaitingForApproval, $"goal {goalId} asks about step 5's email", GoalTimeout);
        var question = Assert.Single(waiting!.WaitingApprovals!);
        Assert.StartsWith("unk-", question, StringComparison.Ordinal);
        Assert.Equal(4, _smtp.MessagesTo("ops@acme.example").Count);
        (await _http.PostAsync($"{restarted}/approvals/{question}/approve", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        GoalStatus? done = null;
        await Eventually.WaitUntilAsync(async () => (done = await StatusAsync(restarted, goalId)).Phase == GoalPhase.Done, $"goal {goalId} is done after the restart", GoalTimeout);
        Assert.Equal((10, 10), (done!.TasksDone, done.TasksTotal));

        // Every email arrived exactly once: ten messages, one per step, each with its step's deterministic Message-ID.
        var actions = (await _http.GetFromJsonAsync<List<ActionEntry>>($"{restarted}/goals/{goalId}/actions", TestContext.Current.CancellationToken))!;
        Assert.Equal(10, actions.Count);
        Assert.All(actions, a => Assert.Equal(ActionStatus.Succeeded, a.Status));
        Assert.Equal(2, actions.Single(a => a.TaskId == "step5").Attempts);
        Assert.All(actions.Where(a => a.TaskId != "step5"), a => Assert.Equal(1, a.Attempts));
        var received = _smtp.MessagesTo("ops@acme.example").Select(m => m.Header("Message-ID")!).ToList();
        Assert.Equal(10, received.Count);
        Assert.Equal(actions.Select(a => a.Key).Order(StringComparer.Ordinal), received.Select(id => id.Trim('<', '>').Split('@')[0]).Order(StringComparer.Ordinal));

        // No step finished before the kill ran again; each task completed once in the event log.
        foreach (var task in beforeKill.History.Where(h => h.Contains(" done on the ", StringComparison.Ordinal)).Select(TaskOf))
        {
            Assert.Single(done.History, h => h.Contains($"task {task} started", StringComparison.Ordinal));
        }

        var completions = await _http.GetFromJsonAsync<Dictionary<string, int>>($"{restarted}/goals/{goalId}/completions", TestContext.Current.CancellationToken);
        Assert.Equal(10, completions!.Count);
        Assert.All(completions, c => Assert.Equal(1, c.Value));
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Settings that choose and configure the storage; both processes get the same, so they share the data.</summary>
    protected abstract IReadOnlyDictionary<string, string?> StorageSettings(string dataDirectory);

    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _http.Dispose();
            _webhook.Dispose();
            _smtp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _data.Dispose();
        }

        _disposed = true;
    }

    // The real mail server, an operator policy (in a file, as AiOs:Approvals:PolicyFile reads it) that lets these updates go
    // out without approval, and a playbook of ten steps in a row, each sending one email to the goal's customer.
    private Dictionary<string, string?> TenEmailSettings()
    {
        var policy = Path.Combine(_data.Path, "policy.yaml");
        File.WriteAllText(policy, "rules:\n  - name: updates-go-out\n    when: { action: email.* }\n    then: auto\notherwise: auto\n");
        var settings = new Dictionary<string, string?>
        {
            ["AiOs__Approvals__PolicyFile"] = policy,
            ["AiOs__Connectors__Smtp__Host"] = "127.0.0.1",
            ["AiOs__Connectors__Smtp__Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["AiOs__Connectors__Smtp__Tls"] = "None",
            ["AiOs__Connectors__Smtp__From"] = "me@company.example",
            ["AiOs__Connectors__Smtp__Resilience__AttemptTimeout"] = "00:05:00",
            ["AiOs__Workforce__Playbooks__0__Name"] = "ten-updates",
        };
        for (var step = 1; step <= 10; step++)
        {
            var task = $"AiOs__Workforce__Playbooks__0__Plan__Tasks__{step - 1}__";
            settings[task + "Id"] = $"step{step}";
            settings[task + "Role"] = "outreach";
            settings[task + "Instructions"] = $"Send the customer update number {step}.";
            settings[task + "Actions__0"] = "email.send";
            if (step > 1)
            {
                settings[task + "DependsOn__0"] = $"step{step - 1}";
            }
        }

        return settings;
    }

    // "… task research done on the Small tier after 1 attempt(s)" -> "research"
    private static string TaskOf(string history) => history.Split(' ')[2];

    private async Task<GoalStatus> StatusAsync(string address, string goalId) =>
        (await _http.GetFromJsonAsync<GoalStatus>($"{address}/goals/{goalId}", TestContext.Current.CancellationToken))!;

    // The HTTP port is chosen here rather than read from the banner: a clustered service also listens on its cluster
    // port, and the banner may name that one.
    private ServiceProcess Start(string name, out string address, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = LoopbackPorts.Free();
        address = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string?>(StorageSettings(_data.Path))
        {
            ["AiOs__Http__Port"] = port.ToString(CultureInfo.InvariantCulture),
            // The gRPC API listens on a fixed port by default; a test takes a free one.
            ["AiOs__Api__Port"] = "0",
            ["AiOs__DataDirectory"] = _data.Path,
            ["AiOs__Connectors__Webhook__Url"] = _webhook.Url,

            // Longer than the test: the held call must still be open when the process is killed.
            ["AiOs__Connectors__Webhook__Resilience__AttemptTimeout"] = "00:05:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "AiOs.Workforce.TestHost.dll"), environment, output, name);
    }
}

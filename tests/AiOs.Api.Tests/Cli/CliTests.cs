using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Cli;

namespace AiOs.Api.Tests.Cli;

/// <summary>The <c>aios</c> command line, run in-process against a real silo: results on standard output (a table, or
/// JSON with <c>--output json</c>), failures as one line on standard error with a meaningful exit code.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private string _operatorKey = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _operatorKey = _host.InitialOperatorKey;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        var run = await RunAsync(null, "health");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("serving", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterStatus_ShowsTheSilo_AsATable()
    {
        var run = await RunAsync(_operatorKey, "cluster", "status");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("test-silo", run.Output, StringComparison.Ordinal);
        Assert.Contains("partitions owned", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_WithJsonOutput()
    {
        var created = await RunAsync(_operatorKey, "keys", "create", "website", "--scope", "frontend", "--output", "json");
        Assert.Equal(ExitCodes.Ok, created.ExitCode);
        using var createdJson = JsonDocument.Parse(created.Output);
        var keyId = createdJson.RootElement.GetProperty("key").GetProperty("keyId").GetString()!;
        var secret = createdJson.RootElement.GetProperty("secret").GetString()!;
        Assert.Equal("API_KEY_SCOPE_FRONTEND", createdJson.RootElement.GetProperty("key").GetProperty("scope").GetString());

        var listed = await RunAsync(_operatorKey, "keys", "list", "-o", "json");
        Assert.Equal(ExitCodes.Ok, listed.ExitCode);
        Assert.Contains(keyId, listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);

        var revoked = await RunAsync(_operatorKey, "keys", "revoke", keyId);
        Assert.Equal(ExitCodes.Ok, revoked.ExitCode);
        Assert.Equal(ExitCodes.NotAllowed, (await RunAsync(secret, "goals", "list")).ExitCode);
    }

    [Fact]
    public async Task KeysCreate_ForPeople_PrintsTheSecretWholeOnALineOfItsOwn()
    {
        var run = await RunAsync(_operatorKey, "keys", "create", "laptop", "--scope", "read-only");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var secret = run.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("aios_", StringComparison.Ordinal));
        using var client = _host.Client(secret);
        await client.ListSilosAsync();
    }

    [Fact]
    public async Task WrongKey_IsOneLine_ExitCode3_WithoutTheKey()
    {
        var wrongKey = "aios_0123456789ab_notTheRightSecretAtAll";

        var run = await RunAsync(wrongKey, "cluster", "status");

        Assert.Equal(ExitCodes.NotAllowed, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("aios: not authenticated", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task ReadOnlyKey_CannotCreateKeys()
    {
        var readOnly = await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly);

        var run = await RunAsync(readOnly, "keys", "create", "x", "--scope", "operator");

        Assert.Equal(ExitCodes.NotAllowed, run.ExitCode);
        Assert.StartsWith("aios: not allowed", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastOperatorKey_CannotBeRevoked_ExitCode7()
    {
        var keyId = (await RunAsync(_operatorKey, "keys", "list", "-o", "json")).Output;
        using var json = JsonDocument.Parse(keyId);
        var id = json.RootElement.GetProperty("keys")[0].GetProperty("keyId").GetString()!;

        var run = await RunAsync(_operatorKey, "keys", "revoke", id);

        Assert.Equal(ExitCodes.Conflict, run.ExitCode);
        Assert.Contains("last active operator key", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoalsSubmitWatch_FollowsTheGoalToDone_AndExits0()
    {
        var run = await RunAsync(_operatorKey, "goals", "submit", "Write a newsletter post about the spring offer", "--watch");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("task_done", run.Output, StringComparison.Ordinal);
        Assert.EndsWith(": done", run.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task GoalsSubmit_WithABudget_GivesTheGoalThatBudget()
    {
        var submitted = await RunAsync(_operatorKey, "goals", "submit", "Write an article on budgets", "--budget", "1.25", "-o", "json");
        using var json = JsonDocument.Parse(submitted.Output);
        var goalId = json.RootElement.GetProperty("goalId").GetString()!;

        var budgets = await RunAsync(_operatorKey, "budgets", "list", "--scope", "goal");
        var bad = await RunAsync(_operatorKey, "goals", "submit", "x", "--budget", "lots");

        Assert.Equal(ExitCodes.Ok, submitted.ExitCode);
        Assert.Contains(budgets.Output.Split('\n'), line => line.Contains(goalId, StringComparison.Ordinal) && line.Contains("1.25", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--budget 'lots' is not an amount more than 0", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoalsListAndGet_ShowTheGoal_AsATableAndAsJson()
    {
        var submitted = await RunAsync(_operatorKey, "goals", "submit", "Write an article on pricing", "-o", "json");
        using var json = JsonDocument.Parse(submitted.Output);
        var goalId = json.RootElement.GetProperty("goalId").GetString()!;

        var list = await RunAsync(_operatorKey, "goals", "list");
        var get = await RunAsync(_operatorKey, "goals", "get", goalId, "-o", "json");

        Assert.Equal(ExitCodes.Ok, list.ExitCode);
        Assert.Contains(goalId, list.Output, StringComparison.Ordinal);
        Assert.Contains("Write an article on pricing", list.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, get.ExitCode);
        using var goal = JsonDocument.Parse(get.Output);
        Assert.Equal("submitted", goal.RootElement.GetProperty("history")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task MemoryForget_WhileAGoalForTheCustomerWaits_IsRefusedNamingIt_ExitCode7_ThenErasesItOnceCancelled()
    {
        Assert.Equal(ExitCodes.Ok, (await RunAsync(_operatorKey, "customers", "add", "Yuri Held", "--id", "yuri", "--email", "yuri@held.example")).ExitCode);
        var submitted = await RunAsync(_operatorKey, "goals", "submit", "Email Yuri Held the welcome", "--customer", "yuri", "--playbook", "onboard-customer", "-o", "json");
        using var json = JsonDocument.Parse(submitted.Output);
        var goalId = json.RootElement.GetProperty("goalId").GetString()!;
        await AiOs.Testing.Eventually.WaitUntilAsync(
            async () => (await RunAsync(_operatorKey, "goals", "list", "--customer", "yuri")).Output.Contains("waiting", StringComparison.Ordinal),
            "the onboarding goal waits for the email's approval");

        var refused = await RunAsync(_operatorKey, "memory", "forget", "--customer", "yuri");

        Assert.Equal(ExitCodes.Conflict, refused.ExitCode);
        Assert.Contains($"{goalId} (WaitingForApproval)", Assert.Single(refused.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, (await RunAsync(_operatorKey, "goals", "cancel", goalId)).ExitCode);
        var forgotten = await RunAsync(_operatorKey, "memory", "forget", "--customer", "yuri", "-o", "json");
        Assert.Equal(ExitCodes.Ok, forgotten.ExitCode);
        using var report = JsonDocument.Parse(forgotten.Output);
        Assert.Equal("1", report.RootElement.GetProperty("goalsErased").GetString());
        var listed = await RunAsync(_operatorKey, "goals", "list");
        Assert.Contains(goalId, listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Yuri", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownGoal_IsOneLine_ExitCode4()
    {
        var run = await RunAsync(_operatorKey, "goals", "get", "g-0000000000000000");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("aios: not found: no goal 'g-0000000000000000'", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task CustomersProjectsLeads_AddGetListUpdate()
    {
        Assert.Equal(ExitCodes.Ok, (await RunAsync(_operatorKey, "customers", "add", "Acme Ltd", "--id", "acme", "--email", "ops@acme.example")).ExitCode);
        var project = await RunAsync(_operatorKey, "projects", "add", "Website", "--customer", "acme", "--id", "acme-web");
        var lead = await RunAsync(_operatorKey, "leads", "add", "Globex", "--id", "globex", "--source", "referral");
        var update = await RunAsync(_operatorKey, "customers", "update", "acme", "--tier", "key-account");
        var projects = await RunAsync(_operatorKey, "projects", "list", "--customer", "acme", "-o", "json");
        var leads = await RunAsync(_operatorKey, "leads", "update", "globex", "--status", "qualified");
        var customer = await RunAsync(_operatorKey, "customers", "get", "acme");
        var twice = await RunAsync(_operatorKey, "customers", "add", "Acme again", "--id", "acme");

        Assert.Equal(ExitCodes.Ok, project.ExitCode);
        Assert.Equal(ExitCodes.Ok, lead.ExitCode);
        Assert.Equal(ExitCodes.Ok, update.ExitCode);
        Assert.Contains("key-account", update.Output, StringComparison.Ordinal);
        Assert.Equal("acme-web", JsonDocument.Parse(projects.Output).RootElement.GetProperty("projects")[0].GetProperty("projectId").GetString());
        Assert.Contains("qualified", leads.Output, StringComparison.Ordinal);
        Assert.Contains("acme-web", customer.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Conflict, twice.ExitCode);
        Assert.Equal("aios: exists already: customer.customer_id: exists already", Assert.Single(twice.ErrorLines));
    }

    [Fact]
    public async Task BadEntityInput_IsInvalid_ExitCode2()
    {
        var run = await RunAsync(_operatorKey, "customers", "add", "Acme", "--email", "nope");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("aios: invalid: customer.email:", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_DefineListGetStats_AndABuiltInCannotBeReplaced()
    {
        var defined = await RunAsync(_operatorKey, "roles", "define", "translator", "--accepts", "a text", "--returns", "its translation", "--tier", "large");
        var list = await RunAsync(_operatorKey, "roles", "list");
        var get = await RunAsync(_operatorKey, "roles", "get", "translator", "-o", "json");
        var builtIn = await RunAsync(_operatorKey, "roles", "define", "writer", "--accepts", "x", "--returns", "y");
        var stats = await RunAsync(_operatorKey, "roles", "stats", "bookkeeper");

        Assert.Equal(ExitCodes.Ok, defined.ExitCode);
        Assert.Equal(ExitCodes.Ok, stats.ExitCode);
        Assert.Contains("p50 task", stats.Output, StringComparison.Ordinal);
        Assert.Contains("0.00 USD", stats.Output, StringComparison.Ordinal);
        Assert.Contains("translator", list.Output, StringComparison.Ordinal);
        Assert.Contains("researcher", list.Output, StringComparison.Ordinal);
        Assert.Equal("MODEL_TIER_LARGE", JsonDocument.Parse(get.Output).RootElement.GetProperty("modelTier").GetString());
        Assert.Equal(ExitCodes.Conflict, builtIn.ExitCode);
    }

    [Fact]
    public async Task EventsQuery_ShowsBusinessChanges()
    {
        await RunAsync(_operatorKey, "customers", "add", "Evented Inc", "--id", "evented");

        var run = await RunAsync(_operatorKey, "events", "query", "--type", "customer", "--key", "evented");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("customer.created", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsWatch_ReplaysFromASequence_ThenPrintsNewEventsLive_UntilCancelled()
    {
        await RunAsync(_operatorKey, "customers", "add", "Before", "--id", "before");
        using var query = JsonDocument.Parse((await RunAsync(_operatorKey, "events", "query", "--type", "customer", "-o", "json")).Output);
        var after = query.RootElement.GetProperty("lastSequence").GetString()!;
        await RunAsync(_operatorKey, "customers", "add", "Replayed", "--id", "replayed");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var output = new LockedWriter();
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = _host.Endpoint.ToString(), ["AIOS_API_KEY"] = _operatorKey };

        var watch = AiOsCli.RunAsync(["events", "watch", "--type", "customer", "--after", after], output, TextWriter.Null, name => environment.GetValueOrDefault(name), cancel.Token);
        await AiOs.Testing.Eventually.WaitUntilAsync(() => output.Text.Contains("customer/replayed", StringComparison.Ordinal), "the watch replays the event after the sequence");
        await RunAsync(_operatorKey, "customers", "add", "Live", "--id", "live");
        await AiOs.Testing.Eventually.WaitUntilAsync(() => output.Text.Contains("customer/live", StringComparison.Ordinal), "the watch prints the new event");
        await cancel.CancelAsync();
        await watch;

        Assert.DoesNotContain("customer/before", output.Text, StringComparison.Ordinal);
        Assert.Contains("customer.created", output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceThisSiloDoesNotServe_IsExitCode6_NamingTheMethod()
    {
        // Every service of the contract is served by a full silo; one built without the approvals service shows how the
        // CLI reports a method the server knows of but does not serve.
        await using var partial = await ApiHost.StartAsync(services: s =>
        {
            foreach (var approvals in s.Where(d => d.ImplementationType == typeof(AiOs.Api.Services.ApprovalsService)).ToList())
            {
                s.Remove(approvals);
            }
        });
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = partial.Endpoint.ToString(), ["AIOS_API_KEY"] = await partial.CreateKeyAsync(ApiKeyScopes.Operator) };

        var approvals = await RunWithEnvironmentAsync(environment, "approvals", "list");

        Assert.Equal(ExitCodes.Unimplemented, approvals.ExitCode);
        Assert.Contains("aios.v1.Approvals.ListApprovals", Assert.Single(approvals.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointAndKey_ComeFromTheEnvironment()
    {
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = _host.Endpoint.ToString(), ["AIOS_API_KEY"] = _operatorKey };

        var run = await RunWithEnvironmentAsync(environment, "cluster", "status", "-o", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("test-silo", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableService_IsOneLine_ExitCode5()
    {
        var run = await RunWithEnvironmentAsync(new Dictionary<string, string>(), "--endpoint", "http://127.0.0.1:1", "--timeout", "5", "health");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.StartsWith("aios: unavailable", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys", "create", "x")]
    [InlineData("keys", "create", "x", "--scope", "admin")]
    [InlineData("--output", "yaml", "health")]
    [InlineData("no-such-command")]
    public async Task UsageErrors_AreOneLine_ExitCode2(params string[] args)
    {
        var run = await RunAsync(_operatorKey, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.ErrorLines);
    }

    private Task<CliRun> RunAsync(string? key, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = _host.Endpoint.ToString() };
        if (key is not null)
        {
            environment["AIOS_API_KEY"] = key;
        }

        return RunWithEnvironmentAsync(environment, args);
    }

    private static async Task<CliRun> RunWithEnvironmentAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AiOsCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    // Read by the test while the command writes from its own task.
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
            }
        }
    }

    private sealed record CliRun(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

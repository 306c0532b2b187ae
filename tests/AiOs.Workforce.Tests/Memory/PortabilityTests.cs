using AiOs.Memory;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Testing;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Policies;
using AiOs.Workforce.Roles;
using AiOs.Workforce.Schedules;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Memory;

/// <summary>A portable snapshot carries the business: memory, the roles and playbooks the operator added, entities, the
/// policy and schedules. Imported into an empty instance it retrieves alike and holds the same business; importing again
/// changes nothing; what the target holds already is kept and reported; a bad record stores nothing.</summary>
public abstract class PortabilityTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private static readonly EventProvenance Operator = new("test", "operator");
    private static readonly string[] Queries = ["invoice", "blue template", "french translation", "closes in august", "late payment"];

    private const string Policy = """
        rules:
          - name: emails
            when: { action: email.* }
            then: needs-approval
        otherwise: auto
        """;

    [Fact]
    public async Task ExportThenImportIntoAnEmptyInstance_GivesTheSameBusinessAndRetrieval_AndAgainChangesNothing()
    {
        var source = await StartAsync(Storage.NewDatabase(), withConfiguredPlaybook: true);
        var ids = await PopulateAsync(source);
        var snapshot = await ExportAsync(source);
        var target = await StartAsync(Storage.NewDatabase(), withConfiguredPlaybook: false);

        var report = await ImportAsync(target, snapshot);

        // Text is written as the operator wrote it, readable in the file: no \u0027 for an apostrophe, no \u00E9 for é.
        Assert.Contains(snapshot, r => r.Json.Contains("\"The owner's café closes in August\"", StringComparison.Ordinal));
        Assert.Equal(5, report.MemoryItems);
        Assert.Equal(0, report.Unchanged);
        Assert.Empty(report.Conflicts);
        Assert.Empty(report.Skipped);
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["role"] = 1, ["playbook"] = 2, ["customer"] = 1, ["project"] = 1, ["lead"] = 1, ["content_item"] = 1, ["invoice"] = 1,
                ["policy"] = 1, ["schedule"] = 2,
            },
            report.Other.ToDictionary());

        // The same retrieval, item for item and score for score, in every scope.
        var sourceMemory = source.Services.GetRequiredService<MemoryService>();
        var targetMemory = target.Services.GetRequiredService<MemoryService>();
        foreach (var scope in ids.Scopes)
        {
            foreach (var query in Queries)
            {
                var expected = await sourceMemory.SearchAsync(new MemoryQuery(scope, query));
                var actual = await targetMemory.SearchAsync(new MemoryQuery(scope, query));
                Assert.Equal(
                    expected.Select(h => (h.Item.ItemId, h.Item.Text, h.Item.Provenance, Math.Round(h.Score, 9))),
                    actual.Select(h => (h.Item.ItemId, h.Item.Text, h.Item.Provenance, Math.Round(h.Score, 9))));
            }
        }

        Assert.NotEmpty(await targetMemory.SearchAsync(new MemoryQuery(MemoryScope.Customer(ids.Customer), "invoice")));

        // The same business.
        var grains = target.GrainFactory;
        Assert.Equal((await source.GrainFactory.GetGrain<ICustomerGrain>(ids.Customer).Get())!.Value, (await grains.GetGrain<ICustomerGrain>(ids.Customer).Get())!.Value);
        Assert.Equal((await source.GrainFactory.GetGrain<IProjectGrain>(ids.Project).Get())!.Value, (await grains.GetGrain<IProjectGrain>(ids.Project).Get())!.Value);
        Assert.Equal((await source.GrainFactory.GetGrain<ILeadGrain>(ids.Lead).Get())!.Value, (await grains.GetGrain<ILeadGrain>(ids.Lead).Get())!.Value);
        Assert.Equal((await source.GrainFactory.GetGrain<IInvoiceGrain>(ids.Invoice).Get())!.Value, (await grains.GetGrain<IInvoiceGrain>(ids.Invoice).Get())!.Value);
        Assert.Contains($"project/{ids.Project}", (await grains.GetGrain<ICustomerGrain>(ids.Customer).Get())!.Links);
        Assert.Equal(Policy, (await grains.GetGrain<IPolicyGrain>(PolicyGrain.Key).Get()).Document);
        var weekly = (await grains.GetGrain<IScheduleGrain>(ids.ActiveSchedule).Get())!;
        Assert.Equal((await source.GrainFactory.GetGrain<IScheduleGrain>(ids.ActiveSchedule).Get())!.Spec, weekly.Spec);
        Assert.Equal(ScheduleStatus.Active, weekly.Status);
        Assert.NotNull(weekly.NextRunAt);
        Assert.Equal(ScheduleStatus.Paused, (await grains.GetGrain<IScheduleGrain>(ids.PausedSchedule).Get())!.Status);
        Assert.Equal("the text in French", target.Services.GetRequiredService<RoleDirectory>().Find("translator")!.Returns);
        var catalog = target.Services.GetRequiredService<PlaybookCatalog>();
        Assert.Equal(["translate", "review"], catalog.Find("translate-post")!.Plan.Tasks.Select(t => t.Id));
        Assert.Equal("writer", Assert.Single(catalog.Find("single-writer")!.Plan.Tasks).Role);

        // Imported definitions are stored, not only known to this silo: a restarted target still has them.
        Assert.Contains((await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key).All()), p => p.Playbook.Name == "single-writer" && p.DefinedBy == "import");

        var again = await ImportAsync(target, snapshot);
        Assert.Equal(0, again.MemoryItems);
        Assert.Empty(again.Other);
        Assert.Equal(snapshot.Count, again.Unchanged);
    }

    [Fact]
    public async Task Import_KeepsWhatTheTargetHoldsUnderTheSameId_AndReportsIt()
    {
        var source = await StartAsync(Storage.NewDatabase(), withConfiguredPlaybook: true);
        var ids = await PopulateAsync(source);
        var snapshot = await ExportAsync(source);
        var target = await StartAsync(Storage.NewDatabase(), withConfiguredPlaybook: false);
        await target.GrainFactory.GetGrain<ICustomerGrain>(ids.Customer).Create(new Customer("Someone Else"), Operator);
        await target.GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).Set(DefaultPolicy.Document, "operator");

        var report = await ImportAsync(target, snapshot);

        Assert.Equal(2, report.Conflicts.Count);
        Assert.Contains(report.Conflicts, c => c.StartsWith("customer: ", StringComparison.Ordinal) && c.Contains(ids.Customer, StringComparison.Ordinal));
        Assert.Contains(report.Conflicts, c => c.StartsWith("policy: ", StringComparison.Ordinal));
        Assert.Equal("Someone Else", (await target.GrainFactory.GetGrain<ICustomerGrain>(ids.Customer).Get())!.Value.Name);
        Assert.Equal(DefaultPolicy.Document, (await target.GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).Get()).Document);

        // The rest came over.
        Assert.NotNull(await target.GrainFactory.GetGrain<IProjectGrain>(ids.Project).Get());
        Assert.Equal(5, report.MemoryItems);
    }

    [Theory]
    [InlineData("playbook", """{"name":"orphan","keywords":[],"plan":{"tasks":[{"id":"a","role":"juggler","instructions":"juggle"}]}}""", "unknown role 'juggler'")]
    [InlineData("playbook", """{"name":"onboard-customer","keywords":[],"plan":{"tasks":[{"id":"a","role":"writer","instructions":"x"}]}}""", "built-in playbook")]
    [InlineData("role", """{"contract":{"name":"Bad Name","accepts":"a","returns":"b"},"defined_by":"x","defined_at":"2026-01-01T00:00:00Z"}""", "not a role name")]
    [InlineData("customer", """{"id":"cus-2","value":{"name":""}}""", "name must not be empty")]
    [InlineData("invoice", """{"id":"inv-1","value":{"customer_id":"c","amount_minor":-5,"currency":"EUR"}}""", "must not be negative")]
    [InlineData("schedule", """{"id":"sch-1","spec":{"name":"x","cron":"not a cron","goal":{"text":"t"}},"paused":false}""", "schedule 'sch-1'")]
    [InlineData("policy", """{"document":"rules:\n  - name: red\n    when: { colour: red }\n    then: auto\n"}""", "colour")]
    [InlineData("project", """{"id":"","value":{"customer_id":"c","name":"p"}}""", "needs an id")]
    [InlineData("customer", """{"id":"cus-1","value":{"name":"Twice"}}""", "appears twice")]
    public async Task Import_ABadRecord_IsRefusedWithItsLineAndReason_AndNothingIsStored(string kind, string data, string reason)
    {
        var target = await StartAsync(Storage.NewDatabase(), withConfiguredPlaybook: false);
        var scope = MemoryScope.Customer("cus-1");
        var item = new PortableRecord(MemoryService.MemoryRecordKind, $$"""
            {"id":"mem-1","scope_kind":"customer","scope_id":"cus-1","kind":"fact","text":"Pays on the 25th","source":"s","actor":"a","at":"2026-01-01T00:00:00Z","confidence":1,"embedding":""}
            """);
        PortableRecord[] good =
        [
            item,
            new("customer", """{"id":"cus-1","value":{"name":"Acme"}}"""),
            new("role", """{"contract":{"name":"translator","accepts":"a","returns":"b"},"defined_by":"x","defined_at":"2026-01-01T00:00:00Z"}"""),
            new("schedule", """{"id":"sch-2","spec":{"name":"x","cron":"0 0 8 * * ?","goal":{"text":"t"}},"paused":false}"""),
        ];

        var error = await Assert.ThrowsAsync<MemoryInputException>(() => ImportAsync(target, [.. good, new PortableRecord(kind, data)]));

        Assert.Contains($"line {good.Length + 1} ({kind})", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await target.Services.GetRequiredService<MemoryService>().VersionAsync(scope));
        Assert.Null(await target.GrainFactory.GetGrain<ICustomerGrain>("cus-1").Get());
        Assert.Null(await target.GrainFactory.GetGrain<IScheduleGrain>("sch-2").Get());
        Assert.Empty(await target.GrainFactory.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).All());

        // The same records without the bad one import.
        var report = await ImportAsync(target, good);
        Assert.Equal(1, report.MemoryItems);
        Assert.Equal("Acme", (await target.GrainFactory.GetGrain<ICustomerGrain>("cus-1").Get())!.Value.Name);
    }

    [Fact]
    public async Task DefinedPlaybook_IsValidatedAgainstTheRoles_AndSurvivesARestart()
    {
        var database = Storage.NewDatabase();
        var silo = await StartAsync(database, withConfiguredPlaybook: false);
        var playbooks = silo.GrainFactory.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key);
        var unknownRole = new Playbook("weekly-digest", ["digest"], new Plan([new PlannedTask("write", "columnist", "Write the digest.")]));

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => playbooks.Define(new DefinedPlaybook(unknownRole, "operator", DateTimeOffset.UtcNow)));
        Assert.Contains("unknown role 'columnist'", refused.Message, StringComparison.Ordinal);
        Assert.Null(silo.Services.GetRequiredService<PlaybookCatalog>().Find("weekly-digest"));

        await silo.GrainFactory.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key)
            .Define(new DefinedRole(new RoleContract("columnist", "a theme", "a column"), null, null, null, "operator", DateTimeOffset.UtcNow));
        await playbooks.Define(new DefinedPlaybook(unknownRole, "operator", DateTimeOffset.UtcNow));
        Assert.NotNull(silo.Services.GetRequiredService<PlaybookCatalog>().Find("weekly-digest"));

        await StopSiloAsync(silo);
        var restarted = await StartAsync(database, withConfiguredPlaybook: false);
        var catalog = restarted.Services.GetRequiredService<PlaybookCatalog>();
        await Eventually.WaitUntilAsync(() => catalog.Find("weekly-digest") is not null, "the restarted silo loads the defined playbook");
        Assert.Equal("columnist", Assert.Single(catalog.Find("weekly-digest")!.Plan.Tasks).Role);
    }

    private sealed record Populated(string Customer, string Project, string Lead, string Invoice, string ActiveSchedule, string PausedSchedule, IReadOnlyList<MemoryScope> Scopes);

    private static async Task<Populated> PopulateAsync(TestSilo silo)
    {
        var grains = silo.GrainFactory;
        var customer = NewId("cus");
        var project = NewId("prj");
        var lead = NewId("lead");
        var invoice = NewId("inv");
        await grains.GetGrain<ICustomerGrain>(customer).Create(new Customer("Acme Ltd", "ops@acme.example", "Acme", "pays late", "gold"), Operator);
        await grains.GetGrain<IProjectGrain>(project).Create(new Project(customer, "Website relaunch", DueOn: new DateOnly(2026, 12, 1)), Operator);
        await grains.GetGrain<ILeadGrain>(lead).Create(new Lead("Globex", "hello@globex.example", "referral", "qualified"), Operator);
        await grains.GetGrain<IContentItemGrain>(NewId("post")).Save(new ContentItem("Launch post", "blog", Body: "We launched."), Operator);
        await grains.GetGrain<IInvoiceGrain>(invoice).Save(new Invoice(customer, 125_000, "EUR", ProjectId: project), Operator);

        await grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).Define(new DefinedRole(
            new RoleContract("translator", "a text", "the text in French", Tier: AiOs.Workforce.Models.ModelTier.Small), "Translates posts", "EUR", 2_000_000, "operator", DateTimeOffset.UtcNow));
        await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key).Define(new DefinedPlaybook(
            new Playbook("translate-post", ["translate"], new Plan(
            [
                new PlannedTask("translate", "translator", "Translate the post."),
                new PlannedTask("review", "support", "Review the translation.", ["translate"]),
            ])),
            "operator",
            DateTimeOffset.UtcNow));
        await grains.GetGrain<IPolicyGrain>(PolicyGrain.Key).Set(Policy, "operator");

        var active = NewId("sch");
        var paused = NewId("sch");
        var goal = new GoalTemplate("weekly report for Acme", customer, project, "translate-post", 5m);
        Assert.NotNull((await grains.GetGrain<IScheduleGrain>(active).Create(new ScheduleSpec("weekly report", "0 0 9 ? * MON", null, "Europe/Berlin", goal, OverlapPolicy.Allow))).Schedule);
        Assert.NotNull((await grains.GetGrain<IScheduleGrain>(paused).Create(new ScheduleSpec("daily digest", "0 0 8 * * ?", null, null, goal))).Schedule);
        await grains.GetGrain<IScheduleGrain>(paused).Pause();

        var memory = silo.Services.GetRequiredService<MemoryService>();
        var customerScope = MemoryScope.Customer(customer);
        var projectScope = MemoryScope.Project(project);
        var roleScope = MemoryScope.Role("translator");
        var at = DateTimeOffset.UtcNow;
        await memory.AddAsync(new MemoryDraft(customerScope, MemoryKind.Fact, "Invoices go to the accounts payable team", new MemoryProvenance("goal", "researcher", at.AddDays(-3)), 0.8));
        await memory.AddAsync(new MemoryDraft(customerScope, MemoryKind.Preference, "Prefers the blue template", new MemoryProvenance("operator-edit", "operator", at), Role: "writer"));
        await memory.AddAsync(new MemoryDraft(customerScope, MemoryKind.Interaction, "Called about the late payment", new MemoryProvenance("email", "outreach", at.AddDays(-1))));
        await memory.AddAsync(new MemoryDraft(roleScope, MemoryKind.Playbook, "Keep the French translation informal", new MemoryProvenance("operator", "operator", at)));
        await memory.AddAsync(new MemoryDraft(MemoryScope.Business, MemoryKind.Decision, "The owner's café closes in August", new MemoryProvenance("operator", "operator", at)));
        return new Populated(customer, project, lead, invoice, active, paused, [customerScope, projectScope, roleScope, MemoryScope.Business]);
    }

    private static async Task<List<PortableRecord>> ExportAsync(TestSilo silo)
    {
        var records = new List<PortableRecord>();
        var memory = silo.Services.GetRequiredService<MemoryService>();
        await foreach (var record in memory.ExportRecordsAsync(null, silo.Services.GetServices<IPortableSource>()))
        {
            records.Add(record);
        }

        return records;
    }

    private static Task<ImportReport> ImportAsync(TestSilo silo, IReadOnlyList<PortableRecord> records) =>
        silo.Services.GetRequiredService<MemoryService>().ImportRecordsAsync(records.ToAsyncEnumerable(), silo.Services.GetServices<IPortableSource>());

    private Task<TestSilo> StartAsync(string database, bool withConfiguredPlaybook) => StartSiloAsync(
        database,
        services => services.AddAiOsWorkforce(o =>
        {
            if (withConfiguredPlaybook)
            {
                o.Playbooks.Add(new Playbook("single-writer", ["post"], new Plan([new PlannedTask("write", "writer", "Write a post.")])));
            }
        }),
        silo: silo => silo.AddGrains(typeof(MemoryScopeGrain).Assembly));
}

[Trait("Category", "Integration")]
public sealed class SqlitePortabilityTests(SqliteTestStorage storage, ITestOutputHelper output) : PortabilityTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlPortabilityTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : PortabilityTests(storage, output), IClassFixture<PostgreSqlTestStorage>;

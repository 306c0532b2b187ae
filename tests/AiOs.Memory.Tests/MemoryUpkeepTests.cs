using AiOs.Persistence.Memory;

namespace AiOs.Memory.Tests;

/// <summary>Redaction, retention, compaction, learning from operator edits, export and import, on each provider.</summary>
public abstract class MemoryUpkeepTests(MemoryTestStorage storage) : MemoryServiceTestBase(storage)
{
    [Fact]
    public async Task Redaction_ReplacesPersonalData_BeforeStorage_WhenOn()
    {
        var redacting = NewService(Database, o => o.Redact = true);
        var scope = MemoryScope.Customer(NewId());
        const string Text = "Mail jane.doe@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111; IBAN DE89 3704 0044 0532 0130 00.";

        var (item, _) = await redacting.AddAsync(new MemoryDraft(scope, MemoryKind.Fact, Text, By()));

        Assert.Equal("Mail [email] or call [phone]; card [card]; IBAN [iban].", item.Text);
        Assert.Equal(item.Text, Assert.Single(await Database.Store.ListAsync(scope, MemoryFilter.All, null, 10)).Text);
        Assert.Empty(await Database.FindEverywhereAsync("jane.doe"));
        Assert.Empty(await Database.FindEverywhereAsync("4111"));

        // Off (the default), text is stored as given.
        var (plain, _) = await Memory.AddAsync(new MemoryDraft(MemoryScope.Customer(NewId()), MemoryKind.Fact, Text, By()));
        Assert.Equal(Text, plain.Text);
    }

    [Fact]
    public async Task Redaction_UsesConfiguredPatterns()
    {
        var redacting = NewService(Database, o =>
        {
            o.Redact = true;
            o.RedactionPatterns["customer-number"] = @"\bCN-\d{6}\b";
        });

        var (item, _) = await redacting.AddAsync(new MemoryDraft(MemoryScope.Customer(NewId()), MemoryKind.Fact, "Customer CN-123456 (a@b.io)", By()));

        // Only the configured patterns apply: the e-mail address stays.
        Assert.Equal("Customer [customer-number] (a@b.io)", item.Text);
    }

    [Fact]
    public async Task Retention_RemovesExpiredItemsPerKind_AndKeepsTheRest()
    {
        var service = NewService(Database, o =>
        {
            o.Retention[MemoryKind.Interaction] = "days:30";
            o.Retention[MemoryKind.Decision] = "last:2";
            o.Retention[MemoryKind.Fact] = "forever";
        });
        var scope = MemoryScope.Customer(NewId());
        async Task Add(string text, MemoryKind kind, int daysAgo) =>
            await service.AddAsync(new MemoryDraft(scope, kind, text, By(at: Now.AddDays(-daysAgo))));
        await Add("old interaction", MemoryKind.Interaction, 45);
        await Add("recent interaction", MemoryKind.Interaction, 5);
        await Add("decision 1", MemoryKind.Decision, 3);
        await Add("decision 2", MemoryKind.Decision, 2);
        await Add("decision 3", MemoryKind.Decision, 1);
        await Add("ancient fact", MemoryKind.Fact, 900);
        await Add("ancient preference", MemoryKind.Preference, 900);

        var removed = await service.ApplyRetentionAsync(scope);

        Assert.Equal(2, removed);
        Assert.Equal(
            ["ancient fact", "ancient preference", "decision 2", "decision 3", "recent interaction"],
            (await service.ListAllAsync(scope, MemoryFilter.All)).Select(i => i.Text).Order());
        Assert.Equal(0, await service.ApplyRetentionAsync(scope));
    }

    [Fact]
    public async Task Compaction_FoldsOldInteractionsIntoSummaries_LinkedToTheirSources()
    {
        var service = NewService(Database, o =>
        {
            o.CompactAfter = TimeSpan.FromDays(7);
            o.CompactionBatch = 3;
        });
        var scope = MemoryScope.Customer(NewId());
        var old = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (item, _) = await service.AddAsync(new MemoryDraft(scope, MemoryKind.Interaction, $"Call {i} about the renewal. Details follow here.", By(at: Now.AddDays(-20 + i))));
            old.Add(item.ItemId);
        }

        await service.AddAsync(new MemoryDraft(scope, MemoryKind.Interaction, "Yesterday's call.", By(at: Now.AddDays(-1))));

        var summaries = await service.CompactAsync(scope);

        Assert.Equal(2, summaries.Count);
        Assert.Equal(old, summaries.SelectMany(s => s.SourceItemIds));
        Assert.All(summaries, s => Assert.Equal(MemoryKind.Summary, s.Kind));
        Assert.All(summaries, s => Assert.Equal("compaction", s.Provenance.Source));
        Assert.Contains("Call 0 about the renewal.", summaries[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Details follow", summaries[0].Text, StringComparison.Ordinal);
        var left = await service.ListAllAsync(scope, MemoryFilter.All);
        Assert.Equal(["Yesterday's call."], left.Where(i => i.Kind == MemoryKind.Interaction).Select(i => i.Text));
        Assert.Contains(summaries[0].ItemId, (await service.SearchAsync(new MemoryQuery(scope, "renewal call"))).Select(h => h.Item.ItemId));
        Assert.Empty(await service.CompactAsync(scope));
    }

    [Fact]
    public async Task OperatorEdit_BecomesAPreferenceOfThatRoleAndCustomer_ThatLaterContextRetrieves()
    {
        var customer = NewId();
        var before = "Dear Sir or Madam. We are pleased to send the quarterly report. Kind regards.";
        var after = "Hi Sam! We are pleased to send the quarterly report. Cheers.";

        var item = await Memory.RecordOperatorEditAsync("writer", customer, before, after, "approval-17", "goal/g1/task/t2");

        Assert.NotNull(item);
        Assert.Equal(MemoryKind.Preference, item.Kind);
        Assert.Equal(MemoryScope.Customer(customer), item.Scope);
        Assert.Equal("writer", item.Role);
        Assert.Equal("operator-edit", item.Provenance.Source);
        Assert.Equal("goal/g1/task/t2", item.Provenance.Reference);
        Assert.Contains("\"Dear Sir or Madam.\"", item.Text, StringComparison.Ordinal);
        Assert.Contains("\"Hi Sam!\"", item.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("quarterly", item.Text, StringComparison.Ordinal);

        var forWriter = await Memory.BuildContextAsync([MemoryScope.Customer(customer)], "draft the quarterly report email", 500, new MemoryFilter(Role: "writer"));
        var forBookkeeper = await Memory.BuildContextAsync([MemoryScope.Customer(customer)], "draft the quarterly report email", 500, new MemoryFilter(Role: "bookkeeper"));
        Assert.Equal([item.ItemId], forWriter.Items.Select(h => h.Item.ItemId));
        Assert.Empty(forBookkeeper.Items);

        // The same approval recorded twice is one preference; an edit of whitespace only is none.
        await Memory.RecordOperatorEditAsync("writer", customer, before, after, "approval-17");
        Assert.Single(await Memory.ListAllAsync(MemoryScope.Customer(customer), MemoryFilter.All));
        Assert.Null(await Memory.RecordOperatorEditAsync("writer", customer, "Hello  there.", "Hello there. ", "approval-18"));
    }

    [Fact]
    public async Task ExportThenImportIntoAnEmptyInstance_GivesTheSameSearchResults()
    {
        var customer = MemoryScope.Customer(NewId());
        var role = MemoryScope.Role("writer");
        await AddAsync(customer, "Invoices go to accounts@ payable team", MemoryKind.Fact, "goal", 0.8, Now.AddDays(-3));
        await AddAsync(customer, "Prefers the blue template", MemoryKind.Preference, role: "writer");
        await AddAsync(customer, "Called about the late invoice", MemoryKind.Interaction, at: Now.AddDays(-1));
        await AddAsync(role, "Keep subject lines short", MemoryKind.Playbook);
        await AddAsync(MemoryScope.Business, "The business closes in August", MemoryKind.Decision);
        string[] queries = ["invoice", "template colour", "subject", "august holidays", "late"];
        var scopes = new[] { customer, role, MemoryScope.Business };

        var snapshot = new StringWriter();
        var lines = await Memory.ExportAsync(snapshot, scopes);
        var target = await NewDatabaseAsync();
        var imported = NewService(target);
        var report = await imported.ImportAsync(new StringReader(snapshot.ToString()));

        Assert.Equal(5, lines);
        Assert.Equal(5, report.MemoryItems);
        foreach (var scope in scopes)
        {
            foreach (var query in queries)
            {
                var expected = (await Memory.SearchAsync(new MemoryQuery(scope, query))).Select(h => (h.Item with { Embedding = [] }, h.Score));
                var actual = (await imported.SearchAsync(new MemoryQuery(scope, query))).Select(h => (h.Item with { Embedding = [] }, h.Score));
                Assert.Equal(expected, actual, (a, b) => a.Item1.ItemId == b.Item1.ItemId && a.Item1.Text == b.Item1.Text
                    && a.Item1.Provenance == b.Item1.Provenance && a.Item1.Role == b.Item1.Role && Math.Abs(a.Item2 - b.Item2) < 1e-9);
            }
        }

        // Importing again adds nothing.
        Assert.Equal(0, (await imported.ImportAsync(new StringReader(snapshot.ToString()))).MemoryItems);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"kind\":\"memory_item\"}")]
    [InlineData("{\"kind\":\"memory_item\",\"data\":{\"id\":\"mem-1\",\"scope_kind\":\"planet\",\"scope_id\":\"x\",\"kind\":\"fact\",\"text\":\"t\",\"source\":\"s\",\"actor\":\"a\",\"at\":\"2026-01-01T00:00:00Z\",\"confidence\":1,\"embedding\":\"\"}}")]
    [InlineData("{\"kind\":\"memory_item\",\"data\":{\"id\":\"mem-1\",\"scope_kind\":\"customer\",\"scope_id\":\"x\",\"kind\":\"fact\",\"text\":\"\",\"source\":\"s\",\"actor\":\"a\",\"at\":\"2026-01-01T00:00:00Z\",\"confidence\":1,\"embedding\":\"\"}}")]
    [InlineData("{\"kind\":\"memory_item\",\"data\":{\"id\":\"mem-1\",\"scope_kind\":\"customer\",\"scope_id\":\"x\",\"kind\":\"gossip\",\"text\":\"t\",\"source\":\"s\",\"actor\":\"a\",\"at\":\"2026-01-01T00:00:00Z\",\"confidence\":1,\"embedding\":\"\"}}")]
    public async Task Import_AMalformedLine_IsRefusedWithItsLineNumber_AndNothingIsStored(string badLine)
    {
        var scope = MemoryScope.Customer("x");
        var good = new StringWriter();
        await AddAsync(scope, "a good item");
        await Memory.ExportAsync(good, [scope]);
        var target = NewService(await NewDatabaseAsync());

        var error = await Assert.ThrowsAsync<MemoryInputException>(() => target.ImportAsync(new StringReader(good + badLine + "\n")));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await target.VersionAsync(scope));
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteMemoryUpkeepTests(SqliteMemoryTestStorage storage) : MemoryUpkeepTests(storage), IClassFixture<SqliteMemoryTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlMemoryUpkeepTests(PostgreSqlMemoryTestStorage storage) : MemoryUpkeepTests(storage), IClassFixture<PostgreSqlMemoryTestStorage>;

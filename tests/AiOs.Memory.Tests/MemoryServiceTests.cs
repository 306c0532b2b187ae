using System.Text;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;

namespace AiOs.Memory.Tests;

/// <summary>Adds, hybrid search, scope isolation, filters, versions, the context builder and bad input, on each provider.</summary>
public abstract class MemoryServiceTests(MemoryTestStorage storage) : MemoryServiceTestBase(storage)
{
    [Fact]
    public async Task Search_FindsTheMatchingItemFirst_WithItsProvenanceAndAScore()
    {
        var scope = MemoryScope.Customer(NewId());
        await AddAsync(scope, "Acme pays invoices within 14 days by bank transfer", source: "goal");
        await AddAsync(scope, "The contact person prefers calls in the morning");
        await AddAsync(scope, "Quarterly report is due in the first week of the quarter");

        var hits = await Memory.SearchAsync(new MemoryQuery(scope, "how does acme pay invoices?"));

        var best = hits[0];
        Assert.Equal("Acme pays invoices within 14 days by bank transfer", best.Item.Text);
        Assert.Equal("goal", best.Item.Provenance.Source);
        Assert.Equal("operator", best.Item.Provenance.Actor);
        Assert.Equal(Now, best.Item.CreatedAt);
        Assert.True(best.Score > 0);
        Assert.True(hits.Skip(1).All(h => h.Score < best.Score));
    }

    [Fact]
    public async Task Search_VectorSide_FindsAnotherFormOfAWord_ThatTheLexicalSideMisses()
    {
        var scope = MemoryScope.Customer(NewId());
        await AddAsync(scope, "Send the invoice to accounting");
        await AddAsync(scope, "Lunch on Friday");

        // The full-text engines do not stem here: "invoices" is not "invoice" to them; character n-grams bring it close.
        Assert.Empty(await Database.Store.SearchTextAsync(scope, ["invoices"], MemoryFilter.All, 10));
        Assert.Equal(["Send the invoice to accounting"], await SearchTextsAsync(scope, "invoices"));
    }

    [Fact]
    public async Task Search_OfAScopeHeldWhole_RanksByWordsInTheSilo_WithoutAskingTheStore()
    {
        var scope = MemoryScope.Customer(NewId());
        var store = CountingMemoryStore.Over(Database.Store);
        var memory = NewService(Database, o => o.WorkingSetLimit = 10, store: store.AsStore);
        await memory.AddAsync(new MemoryDraft(scope, MemoryKind.Fact, "Acme pays invoices within 14 days", By()));
        await memory.AddAsync(new MemoryDraft(scope, MemoryKind.Fact, "Lunch with the Acme team on Friday", By()));

        var hits = await memory.SearchAsync(new MemoryQuery(scope, "acme invoices", null, 10));

        Assert.Equal("Acme pays invoices within 14 days", hits[0].Item.Text);
        Assert.Equal(0, store.TextSearches);
    }

    [Fact]
    public async Task Search_OfAScopeLargerThanTheWorkingSet_FindsItsOlderItemsByTheirWords_ThroughTheStore()
    {
        var scope = MemoryScope.Customer(NewId());
        var store = CountingMemoryStore.Over(Database.Store);
        var memory = NewService(Database, o => o.WorkingSetLimit = 3, store: store.AsStore);
        await memory.AddAsync(new MemoryDraft(scope, MemoryKind.Fact, "The zephyr contract renews in March", By(at: Now.AddDays(-10))));
        for (var i = 0; i < 4; i++)
        {
            await memory.AddAsync(new MemoryDraft(scope, MemoryKind.Fact, $"Routine note number {i}", By(at: Now.AddDays(-5 + i))));
        }

        var hits = await memory.SearchAsync(new MemoryQuery(scope, "zephyr contract", null, 10));

        Assert.Equal("The zephyr contract renews in March", hits[0].Item.Text);
        Assert.Equal(1, store.TextSearches);
    }

    [Fact]
    public async Task Search_NeverReturnsAnotherScopesItem_ThroughEitherRanking()
    {
        var id = NewId();
        string[] ids = [id, id + "%", id + "_", id + "/b", id[..^1], id + "\u0430", id.ToUpperInvariant()];
        foreach (var other in ids)
        {
            await AddAsync(MemoryScope.Customer(other), $"invoice note of {other}");
        }

        await AddAsync(MemoryScope.Project(id), $"invoice note of project {id}");
        await AddAsync(MemoryScope.Role(id), $"invoice note of role {id}");

        foreach (var other in ids)
        {
            Assert.Equal([$"invoice note of {other}"], await SearchTextsAsync(MemoryScope.Customer(other), $"invoice note of {id}"));
        }

        Assert.Empty(await SearchTextsAsync(MemoryScope.Customer(id + "x"), $"invoice note of {id}"));
    }

    [Theory]
    [InlineData("\"; DROP TABLE aios_memory_items; --")]
    [InlineData("invoice* OR 1=1")]
    [InlineData("text:invoice & | ! <-> % _ \\ ' \"")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("NEAR(\"a\" \"b\")")]
    public async Task Search_AnyQueryText_IsOnlyData(string query)
    {
        var scope = MemoryScope.Customer(NewId());
        await AddAsync(scope, "drop the invoice table near the door");

        var hits = await Memory.SearchAsync(new MemoryQuery(scope, query));

        Assert.True(hits.Count <= 1);
        Assert.Single(await Database.Store.ListAsync(scope, MemoryFilter.All, null, 10));
    }

    [Fact]
    public async Task Filters_KindSourceConfidenceAndTime_ApplyToBothRankings()
    {
        var scope = MemoryScope.Customer(NewId());
        await AddAsync(scope, "invoice fact", MemoryKind.Fact, "goal", 0.9, Now.AddDays(-10));
        await AddAsync(scope, "invoice preference", MemoryKind.Preference, "operator-edit", 0.5, Now.AddDays(-1));
        await AddAsync(scope, "invoice decision", MemoryKind.Decision, "goal", 0.2, Now);

        Assert.Equal(["invoice preference"], await SearchTextsAsync(scope, "invoice", new MemoryFilter(Kinds: [MemoryKind.Preference])));
        Assert.Equal(["invoice preference"], await SearchTextsAsync(scope, "invoice", new MemoryFilter(Source: "operator-edit")));
        Assert.Equal(["invoice fact", "invoice preference"], (await SearchTextsAsync(scope, "invoice", new MemoryFilter(MinConfidence: 0.5))).Order());
        Assert.Equal(["invoice decision", "invoice preference"], (await SearchTextsAsync(scope, "invoice", new MemoryFilter(Since: Now.AddDays(-2)))).Order());
    }

    [Fact]
    public async Task RecencyWeighting_PutsTheNewerOfTwoEquallyGoodItemsFirst_AndLowersTheOldOnesScore()
    {
        var scope = MemoryScope.Customer(NewId());
        await AddAsync(scope, "office address is Main Street 1", at: Now.AddDays(-60));
        await AddAsync(scope, "office address is Harbour Road 9", at: Now.AddDays(-1));

        var hits = await Memory.SearchAsync(new MemoryQuery(scope, "office address", RecencyHalfLife: TimeSpan.FromDays(7)));

        Assert.Equal("office address is Harbour Road 9", hits[0].Item.Text);
        Assert.True(hits[1].Score < hits[0].Score * 0.8, $"{hits[1].Score} vs {hits[0].Score}");
    }

    [Fact]
    public async Task Version_ChangesWithEveryAddAndRemove_AndAnotherSilosSearchSeesTheChange()
    {
        var scope = MemoryScope.Customer(NewId());
        var otherSilo = NewService(Database);
        Assert.Equal(0, await Memory.VersionAsync(scope));
        var (first, v1) = await AddAsync(scope, "likes short emails");
        Assert.Equal(["likes short emails"], await SearchTextsAsync(scope, "emails", service: otherSilo));

        var (_, v2) = await AddAsync(scope, "dislikes long emails");
        Assert.Equal(2, (await SearchTextsAsync(scope, "emails", service: otherSilo)).Length);
        Assert.True(await Memory.RemoveAsync(scope, first.ItemId));
        var v3 = await Memory.VersionAsync(scope);

        Assert.True(v1 < v2 && v2 < v3, $"{v1} < {v2} < {v3}");
        Assert.Equal(["dislikes long emails"], await SearchTextsAsync(scope, "emails", service: otherSilo));
    }

    [Fact]
    public async Task Add_WithTheSameRequestId_StoresOnce()
    {
        var scope = MemoryScope.Customer(NewId());
        var draft = new MemoryDraft(scope, MemoryKind.Fact, "only once", By(), RequestId: "req-1");

        var (first, v1) = await Memory.AddAsync(draft);
        var (again, v2) = await Memory.AddAsync(draft);

        Assert.Equal(first.ItemId, again.ItemId);
        Assert.Equal(v1, v2);
        Assert.Single(await Database.Store.ListAsync(scope, MemoryFilter.All, null, 10));
    }

    public static TheoryData<string, MemoryDraft> BadDrafts => new()
    {
        { "needs text", new MemoryDraft(MemoryScope.Customer("c1"), MemoryKind.Fact, "", By()) },
        { "needs text", new MemoryDraft(MemoryScope.Customer("c1"), MemoryKind.Fact, " \n\t ", By()) },
        { "at most 32768 bytes", new MemoryDraft(MemoryScope.Customer("c1"), MemoryKind.Fact, new string('é', 16_385), By()) },
        { "no memory kind 99", new MemoryDraft(MemoryScope.Customer("c1"), (MemoryKind)99, "text", By()) },
        { "no scope kind 9", new MemoryDraft(new MemoryScope((MemoryScopeKind)9, "x"), MemoryKind.Fact, "text", By()) },
        { "needs an id", new MemoryDraft(MemoryScope.Customer(" "), MemoryKind.Fact, "text", By()) },
        { "business scope has no id", new MemoryDraft(new MemoryScope(MemoryScopeKind.Business, "x"), MemoryKind.Fact, "text", By()) },
        { "between 0 and 1", new MemoryDraft(MemoryScope.Customer("c1"), MemoryKind.Fact, "text", By(), 1.5) },
        { "provenance", new MemoryDraft(MemoryScope.Customer("c1"), MemoryKind.Fact, "text", By(source: "")) },
    };

    [Theory]
    [MemberData(nameof(BadDrafts))]
    public async Task Add_BadInput_IsRefusedSayingWhy_AndStoresNothing(string expected, MemoryDraft draft)
    {
        var error = await Assert.ThrowsAsync<MemoryInputException>(() => Memory.AddAsync(draft));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (draft.Scope.Problem() is null)
        {
            Assert.Equal(0, await Memory.VersionAsync(draft.Scope));
        }
    }

    [Fact]
    public async Task Add_ExactlyTheLimit_IsAccepted()
    {
        var scope = MemoryScope.Customer(NewId());
        var (item, _) = await AddAsync(scope, new string('x', MemoryService.MaxTextBytes));
        Assert.Equal(MemoryService.MaxTextBytes, Encoding.UTF8.GetByteCount(item.Text));
    }

    [Fact]
    public async Task AddMany_WithOneBadDraft_StoresNone()
    {
        var scope = MemoryScope.Customer(NewId());
        var drafts = new[] { new MemoryDraft(scope, MemoryKind.Fact, "fine", By()), new MemoryDraft(scope, MemoryKind.Fact, "", By()) };

        await Assert.ThrowsAsync<MemoryInputException>(() => Memory.AddManyAsync(scope, drafts));

        Assert.Equal(0, await Memory.VersionAsync(scope));
    }

    [Fact]
    public async Task Context_TakesTheBestItemsAcrossScopes_WithinTheTokenBudget()
    {
        var customer = MemoryScope.Customer(NewId());
        var role = MemoryScope.Role(NewId("writer"));
        await AddAsync(customer, "Newsletter tone: friendly and brief");
        await AddAsync(customer, "Newsletter goes out on Tuesdays " + new string('x', 400));
        await AddAsync(role, "Writer rule: newsletter subject lines under 60 characters");
        await AddAsync(MemoryScope.Customer(NewId()), "Newsletter of someone else");

        var context = await Memory.BuildContextAsync([customer, role], "write the newsletter", tokenBudget: 40);

        Assert.True(context.Tokens <= 40);
        Assert.Equal(context.Items.Sum(h => MemoryService.EstimateTokens(h.Item.Text)), context.Tokens);
        Assert.Equal(
            ["Newsletter tone: friendly and brief", "Writer rule: newsletter subject lines under 60 characters"],
            context.Items.Select(h => h.Item.Text).Order());
        Assert.Equal(2, context.Versions.Count);
        Assert.All(context.Lines(), line => Assert.Contains("from operator-api by operator", line, StringComparison.Ordinal));
        Assert.Empty((await Memory.BuildContextAsync([customer], "newsletter", tokenBudget: 3)).Items);
    }

    [Fact]
    public async Task ForgetCustomer_LeavesNoTraceOfTheirIdentifiers_InAnyTable_AndTheEventChainVerifies()
    {
        var customer = "cust-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"{customer}@example.org";
        var scope = MemoryScope.Customer(customer);
        var other = MemoryScope.Customer(NewId());
        var writer = new AiOs.Persistence.StorageWriter("test-silo");
        var by = new EventProvenance("operator-api", "operator");
        await Database.Events.AppendAsync(new NewEvent(new GrainId("customer", customer), 1, "customer.created", $$"""{"name":"{{customer}}","email":"{{email}}"}""", by, Now), writer);
        await Database.Events.AppendAsync(new NewEvent(new GrainId("customer", other.Id), 1, "customer.created", """{"name":"other"}""", by, Now), writer);
        await AddAsync(scope, $"{customer} pays by card; write to {email}");
        await AddAsync(scope, $"Interaction with {customer}: asked for a discount", MemoryKind.Interaction);
        await Memory.AddAsync(new MemoryDraft(MemoryScope.Project(NewId("p")), MemoryKind.Fact, $"project for {customer}", By(), CustomerId: customer));
        await AddAsync(other, "another customer's fact");
        Assert.NotEmpty(await Database.FindEverywhereAsync(customer));
        Assert.NotEmpty(await SearchTextsAsync(scope, customer));

        var participant = new CountingParticipant();
        var report = await NewService(Database, participants: participant).ForgetCustomerAsync(customer, by);

        Assert.Equal(3, report.ItemsRemoved);
        Assert.Equal(3, report.EmbeddingsRemoved);
        Assert.Equal(7, report.CacheEntriesRemoved);
        Assert.Equal(1, report.EventPayloadsRedacted);
        Assert.Equal([customer], participant.Forgotten);
        Assert.Empty(await Database.FindEverywhereAsync(customer));
        Assert.Empty(await Database.FindEverywhereAsync(email));
        Assert.Empty(await SearchTextsAsync(scope, customer));
        Assert.Equal(["another customer's fact"], await SearchTextsAsync(other, "fact"));
        var chain = await EventChainVerifier.VerifyAsync(Database.Events);
        Assert.True(chain.IsIntact, chain.ToString());
        var record = (await Database.Events.ReadAsync(report.EventSequence - 1, 1))[0];
        Assert.Equal("memory.forgotten", record.Kind);
        Assert.DoesNotContain(customer, record.Payload, StringComparison.Ordinal);
    }

    private sealed class CountingParticipant : IMemoryForgetParticipant
    {
        public List<string> Forgotten { get; } = [];

        public Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken)
        {
            Forgotten.Add(customerId);
            return Task.FromResult(new ForgetContribution(CacheEntriesRemoved: 7));
        }
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteMemoryServiceTests(SqliteMemoryTestStorage storage) : MemoryServiceTests(storage), IClassFixture<SqliteMemoryTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlMemoryServiceTests(PostgreSqlMemoryTestStorage storage) : MemoryServiceTests(storage), IClassFixture<PostgreSqlMemoryTestStorage>;

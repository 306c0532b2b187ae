using AiOs.Persistence.Memory;

namespace AiOs.Persistence.TestKit.Memory;

/// <summary>The memory store: items round-trip, a scope's version rises with every change and never repeats, scopes are
/// isolated exactly (adversarial ids included), query text is only data, filters hold, and forgetting a customer removes
/// what is theirs and nothing else. Tests use scope ids of their own so that they never see each other's rows.</summary>
public abstract class MemoryStoreTests : StorageTestBase
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    private IMemoryStore Store => Storage.Memory;

    [Fact]
    public async Task AddedItem_ReadsBackExactly()
    {
        var scope = MemoryScope.Customer(NewId());
        var item = Item(scope, "Prefers invoices as PDF", MemoryKind.Preference) with
        {
            Provenance = new MemoryProvenance("operator-edit", "operator", T0, 42, "goal/g1/task/t2"),
            Confidence = 0.75,
            SourceItemIds = ["x1", "x2"],
            Role = "writer",
            CustomerId = scope.Id,
        };

        var (version, added) = await Store.AddAsync(scope, [item]);

        Assert.Equal(1, added);
        Assert.True(version > 0);
        var stored = Assert.Single(await Store.GetAsync(scope, [item.ItemId]));
        Assert.Equal(item.ItemId, stored.ItemId);
        Assert.Equal(scope, stored.Scope);
        Assert.Equal(item.Kind, stored.Kind);
        Assert.Equal(item.Text, stored.Text);
        Assert.Equal(item.Provenance, stored.Provenance);
        Assert.Equal(item.Confidence, stored.Confidence);
        Assert.Equal(item.SourceItemIds, stored.SourceItemIds);
        Assert.Equal("writer", stored.Role);
        Assert.Equal(scope.Id, stored.CustomerId);
        Assert.Equal(item.Embedding.Length, stored.Embedding.Length);
        for (var i = 0; i < item.Embedding.Length; i++)
        {
            Assert.Equal(item.Embedding[i], stored.Embedding[i], 0.002f);
        }
    }

    [Fact]
    public async Task Version_RisesWithEveryChange_StaysForRepeatedAdds_AndNeverRepeatsAfterForget()
    {
        var scope = MemoryScope.Customer(NewId());
        Assert.Equal(0, await Store.VersionAsync(scope));
        var first = Item(scope, "first");

        var (v1, _) = await Store.AddAsync(scope, [first]);
        var (again, addedAgain) = await Store.AddAsync(scope, [first with { Text = "changed" }]);
        Assert.Equal("first", Assert.Single(await Store.GetAsync(scope, [first.ItemId])).Text);
        var (v2, _) = await Store.AddAsync(scope, [Item(scope, "second")]);
        var (v3, removed) = await Store.RemoveAsync(scope, [first.ItemId]);

        Assert.Equal(0, addedAgain);
        Assert.Equal(v1, again);
        Assert.True(v2 > v1 && v3 > v2, $"{v1} < {v2} < {v3}");
        Assert.Equal(1, removed);
        Assert.Equal(v3, await Store.VersionAsync(scope));

        await Store.ForgetCustomerAsync(scope.Id);
        Assert.Equal(0, await Store.VersionAsync(scope));
        var (v4, _) = await Store.AddAsync(scope, [Item(scope, "after forget")]);
        Assert.True(v4 > v3, $"after forget the scope must get a version never seen before: {v4} after {v3}");
    }

    [Fact]
    public async Task Scopes_AreIsolatedExactly_EvenForAdversarialIds()
    {
        var baseId = NewId();
        string[] ids =
        [
            baseId, baseId + "%", baseId + "_", baseId + "/b", baseId + "b", baseId[..^1], baseId.ToUpperInvariant(),
            baseId + " ", "%", "_", "*", baseId + "\u0430", baseId + "\uFF41", baseId + "a", baseId + "'; --",
        ];
        var scopes = ids.Select(MemoryScope.Customer).Concat([MemoryScope.Project(baseId), MemoryScope.Role(baseId)]).Distinct().ToList();
        var items = new Dictionary<MemoryScope, MemoryItem>();
        foreach (var scope in scopes)
        {
            items[scope] = Item(scope, $"shared invoice note for {scope}");
            await Store.AddAsync(scope, [items[scope]]);
        }

        var allIds = items.Values.Select(i => i.ItemId).ToList();
        foreach (var scope in scopes)
        {
            var mine = items[scope].ItemId;
            Assert.Equal([mine], (await Store.SearchTextAsync(scope, ["shared invoice"], MemoryFilter.All, 100)).Select(h => h.ItemId));
            Assert.Equal([mine], (await Store.ListAsync(scope, MemoryFilter.All, null, 100)).Select(i => i.ItemId));
            Assert.Equal([mine], (await Store.GetAsync(scope, allIds)).Select(i => i.ItemId));
        }

        // Removing other scopes' ids through one scope removes nothing of theirs.
        var victim = scopes[0];
        var (_, removed) = await Store.RemoveAsync(victim, allIds.Where(id => id != items[victim].ItemId).ToList());
        Assert.Equal(0, removed);
        foreach (var scope in scopes)
        {
            Assert.Single(await Store.GetAsync(scope, [items[scope].ItemId]));
        }
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"unbalanced")]
    [InlineData("*")]
    [InlineData("invoice*")]
    [InlineData("text: invoice")]
    [InlineData("scope_token : x")]
    [InlineData("a & b")]
    [InlineData("a | b")]
    [InlineData("!invoice")]
    [InlineData("100%")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("NEAR(invoice paid)")]
    [InlineData("invoice AND NOT paid")]
    [InlineData("'; DROP TABLE aios_memory_items; --")]
    [InlineData("') OR 1=1 --")]
    [InlineData("\\")]
    [InlineData("^invoice")]
    [InlineData("(((")]
    [InlineData("<->")]
    public async Task SearchText_QuerySyntaxCharacters_AreSearchedAsText(string query)
    {
        var scope = MemoryScope.Customer(NewId());
        var other = MemoryScope.Customer(NewId());
        await Store.AddAsync(scope, [Item(scope, "invoice paid on time; drop table students, 100% done, a and b, near the end")]);
        await Store.AddAsync(other, [Item(other, "invoice paid drop table near")]);

        var hits = await Store.SearchTextAsync(scope, [query], MemoryFilter.All, 10);

        // Whatever the query, its words (if any) are matched as words of this scope only, and nothing else happens.
        var words = MemoryText.Terms(query);
        var expected = words.Any(w => new[] { "invoice", "paid", "drop", "table", "students", "100", "done", "a", "and", "b", "near", "the", "end", "on", "time" }.Contains(w));
        Assert.Equal(expected ? 1 : 0, hits.Count);
        Assert.Single(await Store.ListAsync(other, MemoryFilter.All, null, 10));
        Assert.Single(await Store.ListAsync(scope, MemoryFilter.All, null, 10));
    }

    [Fact]
    public async Task SearchText_RanksItemsWithMoreMatchingWordsFirst()
    {
        var scope = MemoryScope.Customer(NewId());
        var both = Item(scope, "the quarterly report goes out by email");
        var one = Item(scope, "an email about lunch");
        var none = Item(scope, "nothing relevant here");
        await Store.AddAsync(scope, [one, none, both]);

        var hits = await Store.SearchTextAsync(scope, ["quarterly email"], MemoryFilter.All, 10);

        Assert.Equal([both.ItemId, one.ItemId], hits.Select(h => h.ItemId));
    }

    [Fact]
    public async Task Filters_SelectByKindTimeSourceConfidenceAndRole()
    {
        var scope = MemoryScope.Customer(NewId());
        var fact = Item(scope, "alpha fact", MemoryKind.Fact, T0, "goal", 0.9);
        var preference = Item(scope, "alpha preference", MemoryKind.Preference, T0.AddDays(1), "operator-edit", 0.6) with { Role = "writer" };
        var decision = Item(scope, "alpha decision", MemoryKind.Decision, T0.AddDays(2), "goal", 0.3) with { Role = "bookkeeper" };
        await Store.AddAsync(scope, [fact, preference, decision]);

        async Task<string[]> Both(MemoryFilter filter)
        {
            var listed = (await Store.ListAsync(scope, filter, null, 10)).Select(i => i.ItemId).Order().ToArray();
            var searched = (await Store.SearchTextAsync(scope, ["alpha"], filter, 10)).Select(h => h.ItemId).Order().ToArray();
            Assert.Equal(listed, searched);
            return listed;
        }

        Assert.Equal(Ids(fact, decision), await Both(new MemoryFilter(Kinds: [MemoryKind.Fact, MemoryKind.Decision])));
        Assert.Equal(Ids(preference, decision), await Both(new MemoryFilter(Since: T0.AddDays(1))));
        Assert.Equal(Ids(fact), await Both(new MemoryFilter(Until: T0.AddDays(1))));
        Assert.Equal(Ids(preference), await Both(new MemoryFilter(Source: "operator-edit")));
        Assert.Equal(Ids(fact, preference), await Both(new MemoryFilter(MinConfidence: 0.6)));
        Assert.Equal(Ids(fact, preference), await Both(new MemoryFilter(Role: "writer")));
        Assert.Equal(Ids(fact, preference, decision), await Both(MemoryFilter.All));
    }

    [Fact]
    public async Task List_PagesInTimeOrder()
    {
        var scope = MemoryScope.Role(NewId());
        var items = Enumerable.Range(0, 7).Select(i => Item(scope, $"item {i}", at: T0.AddMinutes(i % 3))).ToList();
        await Store.AddAsync(scope, items);

        var seen = new List<MemoryItem>();
        (DateTimeOffset, string)? after = null;
        while (true)
        {
            var page = await Store.ListAsync(scope, MemoryFilter.All, after, 3);
            seen.AddRange(page);
            if (page.Count < 3)
            {
                break;
            }

            after = (page[^1].CreatedAt, page[^1].ItemId);
        }

        Assert.Equal(items.OrderBy(i => i.CreatedAt).ThenBy(i => i.ItemId, StringComparer.Ordinal).Select(i => i.ItemId), seen.Select(i => i.ItemId));
    }

    [Fact]
    public async Task Add_WithAnItemOfAnotherScope_IsRefused_AndStoresNothing()
    {
        var scope = MemoryScope.Customer(NewId());
        var stray = Item(MemoryScope.Customer(NewId()), "stray");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddAsync(scope, [Item(scope, "good"), stray]));

        Assert.Contains(stray.ItemId, error.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAsync(scope, MemoryFilter.All, null, 10));
        Assert.Equal(0, await Store.VersionAsync(scope));
    }

    [Fact]
    public async Task ForgetCustomer_RemovesTheirScopeAndItemsAboutThem_AndNothingElse()
    {
        var customer = NewId();
        var scope = MemoryScope.Customer(customer);
        var neighbour = MemoryScope.Customer(customer + "x");
        var project = MemoryScope.Project(NewId());
        await Store.AddAsync(scope, [Item(scope, "one"), Item(scope, "two")]);
        await Store.AddAsync(neighbour, [Item(neighbour, "neighbour")]);
        var about = Item(project, "about them") with { CustomerId = customer };
        var unrelated = Item(project, "unrelated");
        var (projectVersion, _) = await Store.AddAsync(project, [about, unrelated]);

        var counts = await Store.ForgetCustomerAsync(customer);

        Assert.Equal(3, counts.ItemsRemoved);
        Assert.Equal(3, counts.EmbeddingsRemoved);
        Assert.Contains(project, counts.ScopesChanged);
        Assert.Empty(await Store.ListAsync(scope, MemoryFilter.All, null, 10));
        Assert.Equal([unrelated.ItemId], (await Store.ListAsync(project, MemoryFilter.All, null, 10)).Select(i => i.ItemId));
        Assert.Single(await Store.ListAsync(neighbour, MemoryFilter.All, null, 10));
        Assert.True(await Store.VersionAsync(project) > projectVersion);
        Assert.Empty(await Store.SearchTextAsync(scope, ["one two"], MemoryFilter.All, 10));
    }

    [Fact]
    public async Task ListScopes_ReturnsEveryScopeWithItems_InPages()
    {
        var marker = NewId();
        var scopes = new[] { MemoryScope.Customer(marker + "1"), MemoryScope.Customer(marker + "2"), MemoryScope.Project(marker) };
        foreach (var scope in scopes)
        {
            await Store.AddAsync(scope, [Item(scope, "x")]);
        }

        var all = new List<MemoryScope>();
        MemoryScope? after = null;
        while (true)
        {
            var page = await Store.ListScopesAsync(after, 2);
            all.AddRange(page);
            if (page.Count < 2)
            {
                break;
            }

            after = page[^1];
        }

        Assert.All(scopes, s => Assert.Contains(s, all));
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    protected static string NewId() => "m" + Guid.NewGuid().ToString("N")[..12];

    private static string[] Ids(params MemoryItem[] items) => [.. items.Select(i => i.ItemId).Order()];

    protected static MemoryItem Item(
        MemoryScope scope, string text, MemoryKind kind = MemoryKind.Fact, DateTimeOffset? at = null, string source = "test", double confidence = 1) =>
        new(
            "i-" + Guid.NewGuid().ToString("N"),
            scope,
            kind,
            text,
            new MemoryProvenance(source, "operator", at ?? T0),
            confidence,
            [.. Enumerable.Range(0, 8).Select(i => (float)Math.Sin(text.Length + i) / 3)],
            []);
}

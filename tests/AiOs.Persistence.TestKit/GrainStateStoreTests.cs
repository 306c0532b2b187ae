using AiOs.Testing;

namespace AiOs.Persistence.TestKit;

/// <summary>The <see cref="IGrainStateStore"/> contract: ETag optimistic concurrency, tombstones, provenance, isolation.</summary>
public abstract class GrainStateStoreTests : StorageTestBase
{
    private const int Racers = 16;

    [Fact]
    public async Task Read_MissingRow_ReturnsNull()
    {
        Assert.Null(await States.ReadAsync(Key(NewGrain())));
    }

    [Fact]
    public async Task Write_ThenRead_RoundTripsJsonIncludingUnicode()
    {
        var key = Key(NewGrain());
        const string Json = """
            {"name":"Zoë Ångström – 日本語 🚀","quote":"she said \"hi\"\\n","tab":"a\tb","nested":{"list":[1,2.5,-3e10,true,null,"x"]},
             "empty":{},"big":9007199254740993,"unicode":"\u00e9\u4e2d"}
            """;

        var etag = await States.WriteAsync(key, Json, null, Writer);
        var stored = await States.ReadAsync(key);

        Assert.NotNull(stored);
        JsonAssert.Equivalent(Json, stored.Json);
        Assert.Equal(etag, stored.ETag);
    }

    [Fact]
    public async Task Write_LargePayload_RoundTrips()
    {
        var key = Key(NewGrain());
        var json = "{\"items\":[" + string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"item-{i}\"")) + "]}";

        await States.WriteAsync(key, json, null, Writer);

        JsonAssert.Equivalent(json, (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Write_Repeatedly_ETagsIncrease()
    {
        var key = Key(NewGrain());
        var etags = new List<string>();
        string? etag = null;
        for (var i = 0; i < 5; i++)
        {
            etag = await States.WriteAsync(key, $"{{\"n\":{i}}}", etag, Writer);
            etags.Add(etag);
        }

        for (var i = 1; i < etags.Count; i++)
        {
            Assert.True(Version(etags[i]) > Version(etags[i - 1]), $"ETag {etags[i]} does not follow {etags[i - 1]}.");
        }

        Assert.Equal(etags[^1], (await States.ReadAsync(key))!.ETag);
    }

    [Fact]
    public async Task Write_ConcurrentWritersWithSameETag_ExactlyOneWins()
    {
        var key = Key(NewGrain());
        var etag = await States.WriteAsync(key, """{"writer":-1}""", null, Writer);

        var outcomes = await Concurrently.RunAsync(Racers, i => States.WriteAsync(key, $$"""{"writer":{{i}}}""", etag, new StorageWriter($"silo-{i}")));

        var winners = outcomes.Select((o, i) => (Outcome: o, Index: i)).Where(x => x.Outcome.Succeeded).ToList();
        var winner = Assert.Single(winners);
        foreach (var loser in outcomes.Where(o => !o.Succeeded))
        {
            var conflict = Assert.IsType<InconsistentStateException>(loser.Error);
            Assert.Equal(etag, conflict.ExpectedETag);
            Assert.Equal(winner.Outcome.Result, conflict.StoredETag);
        }

        var stored = await States.ReadAsync(key);
        JsonAssert.Equivalent($$"""{"writer":{{winner.Index}}}""", stored!.Json);
        Assert.Equal(winner.Outcome.Result, stored.ETag);
        Assert.Equal($"silo-{winner.Index}", stored.WrittenBy);
    }

    [Fact]
    public async Task Write_ConcurrentFirstWritersWithoutETag_ExactlyOneWins()
    {
        var key = Key(NewGrain());

        var outcomes = await Concurrently.RunAsync(Racers, i => States.WriteAsync(key, $$"""{"writer":{{i}}}""", null, Writer));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.All(outcomes.Where(o => !o.Succeeded), o =>
        {
            var conflict = Assert.IsType<InconsistentStateException>(o.Error);
            Assert.Null(conflict.ExpectedETag);
            Assert.NotNull(conflict.StoredETag);
        });
    }

    [Fact]
    public async Task Write_ManyGrainsConcurrently_AllSucceed()
    {
        var keys = Enumerable.Range(0, 32).Select(_ => Key(NewGrain())).ToArray();

        var outcomes = await Concurrently.RunAsync(keys.Length, i => States.WriteAsync(keys[i], $$"""{"i":{{i}}}""", null, Writer));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        for (var i = 0; i < keys.Length; i++)
        {
            JsonAssert.Equivalent($$"""{"i":{{i}}}""", (await States.ReadAsync(keys[i]))!.Json);
        }
    }

    [Fact]
    public async Task Write_StaleETag_ThrowsInconsistentStateAndWritesNothing()
    {
        var key = Key(NewGrain());
        var first = await States.WriteAsync(key, """{"v":1}""", null, Writer);
        var second = await States.WriteAsync(key, """{"v":2}""", first, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":"stale"}""", first, Writer));

        Assert.Equal(first, conflict.ExpectedETag);
        Assert.Equal(second, conflict.StoredETag);
        var stored = await States.ReadAsync(key);
        JsonAssert.Equivalent("""{"v":2}""", stored!.Json);
        Assert.Equal(second, stored.ETag);
    }

    [Fact]
    public async Task Write_NullETagWhenRowExists_ThrowsInconsistentState()
    {
        var key = Key(NewGrain());
        var etag = await States.WriteAsync(key, """{"v":1}""", null, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":2}""", null, Writer));

        Assert.Null(conflict.ExpectedETag);
        Assert.Equal(etag, conflict.StoredETag);
        JsonAssert.Equivalent("""{"v":1}""", (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Write_ETagWhenNoRow_ThrowsInconsistentStateAndCreatesNothing()
    {
        var key = Key(NewGrain());

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":1}""", "1", Writer));

        Assert.Equal("1", conflict.ExpectedETag);
        Assert.Null(conflict.StoredETag);
        Assert.Null(await States.ReadAsync(key));
    }

    [Fact]
    public async Task Write_ETagThisStoreNeverIssued_ThrowsInconsistentState()
    {
        var key = Key(NewGrain());
        var etag = await States.WriteAsync(key, """{"v":1}""", null, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":2}""", "W/\"not-a-version\"", Writer));

        Assert.Equal(etag, conflict.StoredETag);
        JsonAssert.Equivalent("""{"v":1}""", (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Write_ConflictMessage_NamesGrainStateAndBothETags()
    {
        var key = Key(new GrainId("customer", "acme-" + Guid.NewGuid().ToString("N")), "profile");
        var etag = await States.WriteAsync(key, "{}", null, Writer);
        await States.WriteAsync(key, "{}", etag, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, "{}", etag, Writer));

        Assert.Contains(key.GrainId.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.Contains("profile", conflict.Message, StringComparison.Ordinal);
        Assert.Contains(conflict.ExpectedETag!, conflict.Message, StringComparison.Ordinal);
        Assert.Contains(conflict.StoredETag!, conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_TextThatIsNotJson_IsRefusedNamingGrainAndState()
    {
        var key = Key(NewGrain(), "not-json-state");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => States.WriteAsync(key, "{not json", null, Writer));

        Assert.Contains(key.GrainId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("not-json-state", error.Message, StringComparison.Ordinal);
        Assert.Null(await States.ReadAsync(key));
    }

    [Fact]
    public async Task Clear_LeavesTombstoneWithNewerETag()
    {
        var key = Key(NewGrain());
        var written = await States.WriteAsync(key, """{"v":1}""", null, Writer);

        var cleared = await States.ClearAsync(key, written, Writer);

        Assert.NotNull(cleared);
        Assert.True(Version(cleared) > Version(written), $"Cleared ETag {cleared} does not follow {written}.");
        var stored = await States.ReadAsync(key);
        Assert.NotNull(stored);
        Assert.Null(stored.Json);
        Assert.Equal(cleared, stored.ETag);
    }

    [Fact]
    public async Task Clear_NoRowAndNoETag_ReturnsNullAndCreatesNothing()
    {
        var key = Key(NewGrain());

        Assert.Null(await States.ClearAsync(key, null, Writer));
        Assert.Null(await States.ReadAsync(key));
    }

    [Fact]
    public async Task Clear_StaleETag_ThrowsInconsistentStateAndKeepsTheState()
    {
        var key = Key(NewGrain());
        var first = await States.WriteAsync(key, """{"v":1}""", null, Writer);
        var second = await States.WriteAsync(key, """{"v":2}""", first, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.ClearAsync(key, first, Writer));

        Assert.Equal(first, conflict.ExpectedETag);
        Assert.Equal(second, conflict.StoredETag);
        JsonAssert.Equivalent("""{"v":2}""", (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Clear_NullETagWhenRowExists_ThrowsInconsistentState()
    {
        var key = Key(NewGrain());
        var etag = await States.WriteAsync(key, """{"v":1}""", null, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.ClearAsync(key, null, Writer));

        Assert.Equal(etag, conflict.StoredETag);
        JsonAssert.Equivalent("""{"v":1}""", (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Clear_ETagWhenNoRow_ThrowsInconsistentState()
    {
        var key = Key(NewGrain());

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.ClearAsync(key, "3", Writer));

        Assert.Equal("3", conflict.ExpectedETag);
        Assert.Null(conflict.StoredETag);
        Assert.Null(await States.ReadAsync(key));
    }

    [Fact]
    public async Task Write_AfterClear_ContinuesTheVersionSequence()
    {
        var key = Key(NewGrain());
        var written = await States.WriteAsync(key, """{"v":1}""", null, Writer);
        var cleared = await States.ClearAsync(key, written, Writer);

        var rewritten = await States.WriteAsync(key, """{"v":2}""", cleared, Writer);

        Assert.True(Version(rewritten) > Version(cleared!));
        JsonAssert.Equivalent("""{"v":2}""", (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Write_OldETagAfterClearAndReinsert_ThrowsInconsistentState()
    {
        // ABA: if a clear deleted the row and the next insert restarted at version 1, a writer still holding the first
        // ETag would overwrite the new state. The tombstone keeps the sequence going so that it cannot.
        var key = Key(NewGrain());
        var original = await States.WriteAsync(key, """{"v":"original"}""", null, Writer);
        var cleared = await States.ClearAsync(key, original, Writer);
        var reinserted = await States.WriteAsync(key, """{"v":"reinserted"}""", cleared, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":"stale"}""", original, Writer));
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":"stale"}""", null, Writer));

        Assert.Equal(reinserted, conflict.StoredETag);
        Assert.NotEqual(original, reinserted);
        JsonAssert.Equivalent("""{"v":"reinserted"}""", (await States.ReadAsync(key))!.Json);
    }

    [Fact]
    public async Task Write_NullETagAfterClear_ThrowsInconsistentStateBecauseTheTombstoneIsARow()
    {
        var key = Key(NewGrain());
        var written = await States.WriteAsync(key, """{"v":1}""", null, Writer);
        var cleared = await States.ClearAsync(key, written, Writer);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(key, """{"v":2}""", null, Writer));

        Assert.Equal(cleared, conflict.StoredETag);
    }

    [Fact]
    public async Task WriteAndClear_RecordProvenance()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero).AddTicks(5_358_970)); // .535897 s
        var storage = await ReplaceStorageAsync(clock);
        var key = Key(NewGrain());

        var etag = await storage.States.WriteAsync(key, """{"v":1}""", null, new StorageWriter("silo-one"));
        var first = await storage.States.ReadAsync(key);
        clock.Advance(TimeSpan.FromMinutes(5));
        await storage.States.ClearAsync(key, etag, new StorageWriter("silo-two"));
        var second = await storage.States.ReadAsync(key);

        Assert.Equal("silo-one", first!.WrittenBy);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero).AddTicks(5_358_970), first.WrittenAt);
        Assert.Equal("silo-two", second!.WrittenBy);
        Assert.Equal(first.WrittenAt + TimeSpan.FromMinutes(5), second.WrittenAt);
    }

    [Fact]
    public async Task Keys_ThatLookAlike_AreIsolatedFromEachOther()
    {
        // Keys that are prefixes of each other, LIKE wildcards, separators, quotes, case, whitespace and non-ASCII: a
        // provider that builds SQL by concatenation, matches with LIKE or trims/folds keys mixes these up.
        var unique = Guid.NewGuid().ToString("N")[..8];
        string[] keys = ["a", "ab", "a%", "a_", "%", "_", "a/b", "a\\b", "a'b", "a\"b", "a;b", "A", "a ", " a", "\u00e4", "a\u0308", "日本", "🚀", "a--b"];
        string[] types = ["test", "test2", "tes"];
        string[] states = ["state", "State", "state2", "st%"];
        var all = new List<GrainStateKey>();
        foreach (var type in types)
        {
            foreach (var key in keys)
            {
                foreach (var state in states)
                {
                    all.Add(new GrainStateKey(new GrainId(type, unique + key), state, 1));
                }
            }
        }

        foreach (var key in all)
        {
            await States.WriteAsync(key, Payload(key), null, Writer);
        }

        foreach (var key in all)
        {
            JsonAssert.Equivalent(Payload(key), (await States.ReadAsync(key))!.Json);
        }

        static string Payload(GrainStateKey key) => System.Text.Json.JsonSerializer.Serialize(new { type = key.GrainId.Type, key = key.GrainId.Key, state = key.StateName });
    }
}

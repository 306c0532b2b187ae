using AiOs.Persistence.Events;
using AiOs.Testing;

namespace AiOs.Persistence.TestKit.Events;

/// <summary>The <see cref="IEventLog"/> contract: gapless chained appends, stream revisions, idempotent retries, the
/// verifier catching edits and deletions, the database refusing them, and erasure that keeps the chain verifiable. Each
/// test gets a database of its own, since the chain spans the whole log.</summary>
public abstract class EventLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 3, 2, 10, 15, 0, TimeSpan.Zero).AddTicks(1_234_560);
    private static readonly StorageWriter Writer = new("silo-a");
    private static readonly EventProvenance ByOperator = new("operator-api", "operator");
    private readonly List<StorageUnderTest> _created = [];
    private string _database = "";
    private IEventLog _log = null!;

    /// <summary>Names a brand-new, empty database (a schema or a directory).</summary>
    protected abstract string NewDatabase();

    /// <summary>An uninitialized provider on <paramref name="database"/>.</summary>
    protected abstract StorageUnderTest CreateStorage(string database);

    /// <summary>Runs <paramref name="sql"/> on <paramref name="database"/> the way someone with the database's admin
    /// rights would tamper: with the append-only triggers switched off for the statement.</summary>
    protected abstract Task TamperAsync(string database, string sql);

    /// <summary>Runs <paramref name="sql"/> on <paramref name="database"/> as an ordinary statement.</summary>
    protected abstract Task ExecuteAsync(string database, string sql);

    public async ValueTask InitializeAsync()
    {
        _database = NewDatabase();
        var storage = CreateStorage(_database);
        _created.Add(storage);
        await storage.Provider.InitializeAsync();
        _log = storage.Events;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var storage in _created)
        {
            await storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Append_FirstEvents_GetSequencesOneTwoThree_EachHashChainedToItsPredecessor()
    {
        var a = await AppendAsync("customer", "acme", 1, """{"name":"Acme"}""");
        var b = await AppendAsync("customer", "acme", 2, """{"name":"Acme Ltd"}""");
        var c = await AppendAsync("project", "p1", 1, """{"title":"Site"}""");

        Assert.Equal([1L, 2L, 3L], [a.Sequence, b.Sequence, c.Sequence]);
        Assert.Equal(EventHashing.Link(EventHashing.Genesis, a), a.Hash);
        Assert.Equal(EventHashing.Link(a.Hash, b), b.Hash);
        Assert.Equal(EventHashing.Link(b.Hash, c), c.Hash);
        Assert.Equal(EventHashing.ContentDigest(a.Salt!, "acme", """{"name":"Acme"}"""), a.ContentDigest);
        var head = await _log.ReadHeadAsync();
        Assert.Equal(3, head.LastSequence);
        Assert.Equal(c.Hash, head.LastHash);
    }

    [Fact]
    public async Task Append_ThenRead_ReturnsEveryFieldAsStored_TimeToTheMicrosecond()
    {
        var provenance = new EventProvenance("goal", "agent:writer", "goal/g1/task/t2");
        var appended = await _log.AppendAsync(
            new NewEvent(new GrainId("content", "c-1"), 1, "content.created", """{"title":"Launch","tags":["a","b"]}""", provenance, At.ToOffset(TimeSpan.FromHours(2))),
            Writer);

        var read = Assert.Single(await _log.ReadAsync(0, 10));

        Assert.Equal(appended.Sequence, read.Sequence);
        Assert.Equal(At.UtcTicks, read.OccurredAt.UtcTicks);
        Assert.Equal(("content", "c-1", 1L, "content.created"), (read.StreamType, read.StreamKey, read.Revision, read.Kind));
        Assert.Equal("""{"title":"Launch","tags":["a","b"]}""", read.Payload);
        Assert.Equal(provenance, read.Provenance);
        Assert.Equal("silo-a", read.WrittenBy);
        Assert.Equal(appended.Salt, read.Salt);
        Assert.Equal(appended.ContentDigest, read.ContentDigest);
        Assert.Equal(appended.Hash, read.Hash);
        Assert.Null(read.ErasedAt);
    }

    [Fact]
    public async Task Append_SameRevisionAgainWithTheSamePayload_ReturnsTheStoredEvent_AndAppendsNothing()
    {
        var first = await AppendAsync("customer", "acme", 1, """{"name":"Acme"}""");

        var retried = await AppendAsync("customer", "acme", 1, """{"name":"Acme"}""");

        Assert.Equal(first.Sequence, retried.Sequence);
        Assert.Equal(first.Hash, retried.Hash);
        Assert.Equal(1, (await _log.ReadHeadAsync()).LastSequence);
    }

    [Fact]
    public async Task Append_SameRevisionWithADifferentPayload_IsAConflict_AndAppendsNothing()
    {
        await AppendAsync("customer", "acme", 1, """{"name":"Acme"}""");

        var error = await Assert.ThrowsAsync<EventStreamConflictException>(() => AppendAsync("customer", "acme", 1, """{"name":"Other"}"""));

        Assert.Contains("revision 1 of customer/acme", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await _log.ReadHeadAsync()).LastSequence);
    }

    [Fact]
    public async Task Append_SkippingARevision_IsAConflictNamingTheNextRevision()
    {
        await AppendAsync("customer", "acme", 1, "{}");

        var error = await Assert.ThrowsAsync<EventStreamConflictException>(() => AppendAsync("customer", "acme", 3, "{}"));

        Assert.Equal(1, error.StoredRevision);
        Assert.Contains("the next revision is 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("customer.created", "not json", "operator", 1, "payload is not valid JSON")]
    [InlineData("Customer Created", "{}", "operator", 1, "may contain only lowercase")]
    [InlineData("customer.created", "{}", " ", 1, "provenance actor must not be empty")]
    [InlineData("customer.created", "{}", "operator", 0, "revisions start at 1")]
    public async Task Append_MalformedEvent_IsRefusedSayingWhatIsWrong_AndAppendsNothing(string kind, string payload, string actor, long revision, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _log.AppendAsync(
            new NewEvent(new GrainId("customer", "acme"), revision, kind, payload, new EventProvenance("operator-api", actor), At), Writer));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await _log.ReadHeadAsync()).LastSequence);
    }

    [Fact]
    public async Task Append_SixteenConcurrentWriters_ProduceOneGaplessIntactChain()
    {
        const int writers = 16;
        const int perWriter = 8;

        var outcomes = await Concurrently.RunAsync(writers, async w =>
        {
            for (var revision = 1; revision <= perWriter; revision++)
            {
                await AppendAsync("lead", $"lead-{w}", revision, $$"""{"writer":{{w}},"revision":{{revision}}}""");
            }

            return true;
        });

        Assert.All(outcomes, o => Assert.Null(o.Error));
        var events = await _log.ReadAsync(0, 1_000);
        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(i => (long)i), events.Select(e => e.Sequence));
        var verification = await EventChainVerifier.VerifyAsync(_log);
        Assert.True(verification.IsIntact, verification.ToString());
        Assert.Equal(writers * perWriter, verification.EventsChecked);
        foreach (var w in Enumerable.Range(0, writers))
        {
            var stream = await _log.ReadStreamAsync(new GrainId("lead", $"lead-{w}"), 0, 100);
            Assert.Equal(Enumerable.Range(1, perWriter).Select(i => (long)i), stream.Select(e => e.Revision));
        }
    }

    [Fact]
    public async Task Append_EightWritersRacingForTheSameRevision_ExactlyOneSucceeds()
    {
        var outcomes = await Concurrently.RunAsync(8, w => AppendAsync("customer", "contested", 1, $$"""{"writer":{{w}}}"""));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<EventStreamConflictException>(o.Error));
        Assert.Equal(1, (await _log.ReadHeadAsync()).LastSequence);
    }

    [Fact]
    public async Task Verify_IntactLog_ChecksEveryEvent()
    {
        await AppendSampleAsync();

        var verification = await EventChainVerifier.VerifyAsync(_log);

        Assert.True(verification.IsIntact, verification.ToString());
        Assert.Equal(4, verification.EventsChecked);
        Assert.Null(verification.BrokenAt);
    }

    [Fact]
    public async Task Verify_AfterAPayloadWasEdited_ReportsThatEvent()
    {
        await AppendSampleAsync();

        await TamperAsync(_database, """UPDATE aios_events SET payload = '{"name":"Mallory"}' WHERE sequence = 2""");
        var verification = await EventChainVerifier.VerifyAsync(_log);

        Assert.False(verification.IsIntact);
        Assert.Equal(2, verification.BrokenAt);
        Assert.Contains("payload", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(1, verification.EventsChecked);
    }

    [Fact]
    public async Task Verify_AfterAKindAndActorWereEdited_ReportsThatEvent()
    {
        await AppendSampleAsync();

        await TamperAsync(_database, "UPDATE aios_events SET kind = 'customer.deleted', actor = 'agent:outreach' WHERE sequence = 3");
        var verification = await EventChainVerifier.VerifyAsync(_log);

        Assert.Equal(3, verification.BrokenAt);
        Assert.Contains("hash does not follow", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterAnEventWasDeleted_ReportsTheMissingSequence()
    {
        await AppendSampleAsync();

        await TamperAsync(_database, "DELETE FROM aios_events WHERE sequence = 2");
        var verification = await EventChainVerifier.VerifyAsync(_log);

        Assert.Equal(2, verification.BrokenAt);
        Assert.Contains("event 2 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterTheLastEventWasDeleted_ReportsThatTheLogWasCut()
    {
        await AppendSampleAsync();

        await TamperAsync(_database, "DELETE FROM aios_events WHERE sequence = 4");
        var verification = await EventChainVerifier.VerifyAsync(_log);

        Assert.Equal(4, verification.BrokenAt);
        Assert.Contains("head records 4 events", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_RefusesToUpdateOrDeleteEvents()
    {
        await AppendSampleAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => ExecuteAsync(_database, """UPDATE aios_events SET payload = '{}' WHERE sequence = 1"""));
        await Assert.ThrowsAnyAsync<Exception>(() => ExecuteAsync(_database, "DELETE FROM aios_events WHERE sequence = 1"));

        var verification = await EventChainVerifier.VerifyAsync(_log);
        Assert.True(verification.IsIntact, verification.ToString());
    }

    [Fact]
    public async Task EraseStream_RemovesItsKeysAndPayloads_KeepsOtherStreams_AndTheChainStillVerifies()
    {
        await AppendSampleAsync();

        var erased = await _log.EraseStreamAsync(new GrainId("customer", "acme"), Writer);

        Assert.Equal(2, erased);
        var events = await _log.ReadAsync(0, 10);
        Assert.All(events.Where(e => e.Sequence <= 2), e =>
        {
            Assert.True(e.IsErased);
            Assert.Null(e.StreamKey);
            Assert.Null(e.Payload);
            Assert.Null(e.Salt);
            Assert.Equal("customer", e.StreamType);
        });
        Assert.All(events.Where(e => e.Sequence > 2), e => Assert.NotNull(e.Payload));
        Assert.DoesNotContain(events, e => e.Payload?.Contains("Acme", StringComparison.Ordinal) == true);
        Assert.Empty(await _log.ReadStreamAsync(new GrainId("customer", "acme"), 0, 10));
        Assert.Equal(["globex"], await _log.ListStreamKeysAsync("customer", null, 10));
        var verification = await EventChainVerifier.VerifyAsync(_log);
        Assert.True(verification.IsIntact, verification.ToString());
        Assert.Equal(4, verification.EventsChecked);
    }

    [Fact]
    public async Task Verify_AfterAnErasedEventsDigestWasEdited_ReportsThatEvent()
    {
        await AppendSampleAsync();
        await _log.EraseStreamAsync(new GrainId("customer", "acme"), Writer);

        await TamperAsync(_database, "UPDATE aios_events SET content_digest = hash WHERE sequence = 1");
        var verification = await EventChainVerifier.VerifyAsync(_log);

        Assert.Equal(1, verification.BrokenAt);
    }

    [Fact]
    public async Task ReadStream_AndListStreamKeys_PageInOrder()
    {
        await AppendSampleAsync();
        await AppendAsync("customer", "acme", 3, """{"name":"Acme Inc"}""");

        var tail = await _log.ReadStreamAsync(new GrainId("customer", "acme"), 1, 10);
        var firstPage = await _log.ListStreamKeysAsync("customer", null, 1);
        var secondPage = await _log.ListStreamKeysAsync("customer", firstPage[^1], 10);

        Assert.Equal([2L, 3L], tail.Select(e => e.Revision));
        Assert.Equal(["acme"], firstPage);
        Assert.Equal(["globex"], secondPage);
        Assert.Empty(await _log.ListStreamKeysAsync("invoice", null, 10));
    }

    private Task<StoredEvent> AppendAsync(string type, string key, long revision, string payload) =>
        _log.AppendAsync(new NewEvent(new GrainId(type, key), revision, type + (revision == 1 ? ".created" : ".updated"), payload, ByOperator, At), Writer);

    private async Task AppendSampleAsync()
    {
        await AppendAsync("customer", "acme", 1, """{"name":"Acme","email":"ann@acme.test"}""");
        await AppendAsync("customer", "acme", 2, """{"name":"Acme Ltd","email":"ann@acme.test"}""");
        await AppendAsync("customer", "globex", 1, """{"name":"Globex"}""");
        await AppendAsync("project", "site", 1, """{"title":"Website"}""");
    }
}

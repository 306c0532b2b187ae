using AiOs.Persistence.TestKit;

namespace AiOs.Persistence.Sqlite.Tests;

/// <summary>SQLite is single-silo and has no lease table: a fenced write (which only a clustered silo makes) is refused
/// outright rather than silently unchecked.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteFenceRefusalTests(SqliteTestDatabase database) : StorageTestBase, IClassFixture<SqliteTestDatabase>
{
    private static readonly StorageWriter Fenced = new("silo-a", new LeaseFence(7, "silo-a", 3));
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));

    [Fact]
    public async Task FencedStateWriteAndClear_AreRefused_AndWriteNothing()
    {
        var key = Key(NewGrain());

        var write = await Assert.ThrowsAsync<NotSupportedException>(() => States.WriteAsync(key, "{}", null, Fenced));
        await Assert.ThrowsAsync<NotSupportedException>(() => States.ClearAsync(key, null, Fenced));

        Assert.Contains("single-silo", write.Message, StringComparison.Ordinal);
        Assert.Null(await States.ReadAsync(key));
    }

    [Fact]
    public async Task FencedReminderWrites_AreRefused_AndWriteNothing()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", 1, Start, TimeSpan.FromMinutes(1), Start, Writer);

        await Assert.ThrowsAsync<NotSupportedException>(() => Reminders.UpsertAsync(grain, "other", 1, Start, TimeSpan.FromMinutes(1), Start, Fenced));
        await Assert.ThrowsAsync<NotSupportedException>(() => Reminders.AdvanceAsync(entry, Start.AddMinutes(1), Fenced));
        await Assert.ThrowsAsync<NotSupportedException>(() => Reminders.RemoveAsync(grain, "r", Fenced));

        Assert.Equal([entry], await Reminders.ReadGrainAsync(grain));
    }
}

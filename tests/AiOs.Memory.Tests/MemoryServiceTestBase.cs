using AiOs.Persistence;
using AiOs.Persistence.Memory;
using AiOs.Testing;
using Microsoft.Extensions.Options;

namespace AiOs.Memory.Tests;

/// <summary>Base of the memory service tests: each test gets a database of its own on the provider under test.</summary>
public abstract class MemoryServiceTestBase(MemoryTestStorage storage) : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<TestDatabase> _databases = [];

    protected ManualTimeProvider Time { get; } = new(Now);

    protected TestDatabase Database { get; private set; } = null!;

    protected MemoryService Memory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = await NewDatabaseAsync();
        Memory = NewService(Database);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task<TestDatabase> NewDatabaseAsync()
    {
        var database = await storage.CreateAsync();
        _databases.Add(database);
        return database;
    }

    protected MemoryService NewService(TestDatabase database, Action<MemoryOptions>? configure = null, params IMemoryForgetParticipant[] participants) =>
        NewService(database, configure, store: null, participants);

    protected MemoryService NewService(TestDatabase database, Action<MemoryOptions>? configure, IMemoryStore? store, params IMemoryForgetParticipant[] participants)
    {
        var options = new MemoryOptions();
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new MemoryService(
            store ?? database.Store, database.Events, new HashedNGramEmbeddingGenerator(), new MemoryRedactor(wrapped), wrapped, participants, Time,
            new StorageWriter("test-silo"));
    }

    protected static string NewId(string prefix = "c") => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    protected static MemoryProvenance By(string source = "operator-api", DateTimeOffset? at = null, string actor = "operator") => new(source, actor, at ?? Now);

    protected Task<(MemoryItem Item, long Version)> AddAsync(
        MemoryScope scope, string text, MemoryKind kind = MemoryKind.Fact, string source = "operator-api", double confidence = 1, DateTimeOffset? at = null, string? role = null) =>
        Memory.AddAsync(new MemoryDraft(scope, kind, text, By(source, at), confidence, Role: role));

    protected async Task<string[]> SearchTextsAsync(MemoryScope scope, string query, MemoryFilter? filter = null, int limit = 10, MemoryService? service = null) =>
        [.. (await (service ?? Memory).SearchAsync(new MemoryQuery(scope, query, filter, limit))).Select(h => h.Item.Text)];
}

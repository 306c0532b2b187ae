using System.Reflection;

namespace AiOs.Persistence.TestKit;

/// <summary>Schema migrations: the shipped files are exactly the ones applied, once each, however often and however
/// concurrently the provider starts.</summary>
public abstract class MigrationTests : IAsyncLifetime
{
    private readonly List<StorageUnderTest> _created = [];

    /// <summary>The provider assembly whose embedded migrations are under test.</summary>
    protected abstract Assembly ProviderAssembly { get; }

    /// <summary>Names a brand-new, empty database (a schema or a directory) that nothing has touched yet.</summary>
    protected abstract string NewDatabase();

    /// <summary>An uninitialized provider on <paramref name="database"/>.</summary>
    protected abstract StorageUnderTest CreateStorage(string database);

    /// <summary><paramref name="count"/> initializers that may legitimately run at the same time against one database:
    /// separate providers (as separate silos would have) where the provider supports several silos, or one shared
    /// instance for a single-silo provider, whose second instance is refused (tested by that provider's own tests).</summary>
    protected abstract IReadOnlyList<StorageUnderTest> CreateConcurrentInitializers(string database, int count);

    /// <summary>The rows of <c>aios_schema_migrations</c>, read with the provider's own SQL, in version order.</summary>
    protected abstract Task<IReadOnlyList<(int Version, string Name)>> ReadAppliedMigrationsAsync(string database);

    /// <summary>Records a migration in <c>aios_schema_migrations</c> as if a newer build had applied it.</summary>
    protected abstract Task RecordMigrationAsync(string database, int version, string name);

    private IReadOnlyList<(int Version, string Name)> Shipped =>
        EmbeddedMigrations.Load(ProviderAssembly).Select(m => (m.Version, m.Name)).ToList();

    [Fact]
    public void ShippedMigrations_AreEveryEmbeddedSqlResource()
    {
        // EmbeddedMigrations.Load skips resources whose names do not match NNNN_name.sql; a misnamed file would be
        // shipped but never applied. Every embedded .sql file must therefore be a migration Load recognizes.
        var sqlResources = ProviderAssembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).ToList();
        var migrations = EmbeddedMigrations.Load(ProviderAssembly);

        Assert.NotEmpty(migrations);
        Assert.Equal(sqlResources.Count, migrations.Count);
        Assert.Equal((1, "initial"), (migrations[0].Version, migrations[0].Name));
        Assert.All(migrations, m => Assert.False(string.IsNullOrWhiteSpace(m.Sql)));
    }

    [Fact]
    public async Task Initialize_FreshDatabase_AppliesEveryShippedMigrationOnce()
    {
        var database = NewDatabase();

        await Track(CreateStorage(database)).Provider.InitializeAsync();

        Assert.Equal(Shipped, await ReadAppliedMigrationsAsync(database));
    }

    [Fact]
    public async Task Initialize_AgainOnAMigratedDatabase_ChangesNothingAndKeepsTheData()
    {
        var database = NewDatabase();
        var key = new GrainStateKey(new GrainId("test", "kept"), "state", 1);
        var first = Track(CreateStorage(database));
        await first.Provider.InitializeAsync();
        await first.Provider.InitializeAsync(); // the same instance twice
        var etag = await first.States.WriteAsync(key, """{"kept":true}""", null, new StorageWriter("silo-a"));
        await first.DisposeAsync();

        var second = Track(CreateStorage(database));
        await second.Provider.InitializeAsync();

        Assert.Equal(Shipped, await ReadAppliedMigrationsAsync(database));
        var stored = await second.States.ReadAsync(key);
        Assert.Equal(etag, stored!.ETag);
        JsonAssert.Equivalent("""{"kept":true}""", stored.Json);
    }

    [Fact]
    public async Task Initialize_ConcurrentInitializersOnFreshDatabase_AllSucceedAndRecordEachMigrationOnce()
    {
        var database = NewDatabase();
        var initializers = CreateConcurrentInitializers(database, 8);
        foreach (var initializer in initializers.Distinct())
        {
            Track(initializer);
        }

        var outcomes = await AiOs.Testing.Concurrently.RunAsync(initializers.Count, async i =>
        {
            await initializers[i].Provider.InitializeAsync();
            return true;
        });

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(Shipped, await ReadAppliedMigrationsAsync(database));
        foreach (var initializer in initializers.Distinct())
        {
            Assert.Null(await initializer.States.ReadAsync(new GrainStateKey(new GrainId("test", "nothing"), "state", 0)));
        }
    }

    [Fact]
    public async Task Initialize_DatabaseMigratedByANewerBuild_IsRefused()
    {
        var database = NewDatabase();
        var storage = Track(CreateStorage(database));
        await storage.Provider.InitializeAsync();
        await storage.DisposeAsync();
        await RecordMigrationAsync(database, 9999, "from_the_future");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Track(CreateStorage(database)).Provider.InitializeAsync());

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("from_the_future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_BeforeInitialize_AreRefusedWithAClearMessage()
    {
        var storage = Track(CreateStorage(NewDatabase()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.States.ReadAsync(new GrainStateKey(new GrainId("test", "k"), "s", 0)));

        Assert.Contains("InitializeAsync", error.Message, StringComparison.Ordinal);
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var storage in _created)
        {
            await storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private StorageUnderTest Track(StorageUnderTest storage)
    {
        _created.Add(storage);
        return storage;
    }
}

namespace AiOs.Persistence.TestKit;

/// <summary>Base of the grain state and reminder tests: every test gets a fresh, initialized provider instance on its test
/// class's database (one schema or file per class), and unique grain ids so that tests never see each other's rows.</summary>
public abstract class StorageTestBase : IAsyncLifetime
{
    private StorageUnderTest? _storage;

    /// <summary>The silo that writes in these tests.</summary>
    protected static StorageWriter Writer { get; } = new("silo-a");

    /// <summary>The provider under test, initialized.</summary>
    protected StorageUnderTest Storage => _storage ?? throw new InvalidOperationException("The test has not been initialized.");

    protected IGrainStateStore States => Storage.States;

    protected IReminderTable Reminders => Storage.Reminders;

    /// <summary>Creates an uninitialized provider on this test class's database (the same database for every test of
    /// the class), whose clock is <paramref name="timeProvider"/>. At most one is alive at a time.</summary>
    protected abstract StorageUnderTest CreateStorage(TimeProvider timeProvider);

    public virtual async ValueTask InitializeAsync()
    {
        _storage = CreateStorage(TimeProvider.System);
        await _storage.Provider.InitializeAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
            _storage = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Replaces the test's provider with one using <paramref name="timeProvider"/>.</summary>
    protected async Task<StorageUnderTest> ReplaceStorageAsync(TimeProvider timeProvider)
    {
        await Storage.DisposeAsync();
        _storage = CreateStorage(timeProvider);
        await _storage.Provider.InitializeAsync();
        return _storage;
    }

    /// <summary>A grain id no other test uses.</summary>
    protected static GrainId NewGrain(string type = "test") => new(type, Guid.NewGuid().ToString("N"));

    protected static GrainStateKey Key(GrainId grain, string state = "state", int partition = 7) => new(grain, state, partition);

    protected static long Version(string? etag) => long.Parse(etag!, System.Globalization.CultureInfo.InvariantCulture);
}

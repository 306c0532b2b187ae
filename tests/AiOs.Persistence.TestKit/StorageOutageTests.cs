namespace AiOs.Persistence.TestKit;

/// <summary>A provider that cannot reach its database reports <see cref="StorageUnavailableException"/>, writes nothing
/// half-done, and recovers by itself once the database is back.</summary>
public abstract class StorageOutageTests : IAsyncLifetime
{
    private static readonly StorageWriter Writer = new("silo-a");
    private StorageUnderTest? _storage;

    /// <summary>The password an unreachable provider is configured with; no error may repeat it.</summary>
    protected const string Password = "s3cr3t-Pa55";

    protected StorageUnderTest Storage => _storage ?? throw new InvalidOperationException("The test has not been initialized.");

    /// <summary>An uninitialized provider whose way to the database <see cref="CutAsync"/> can interrupt.</summary>
    protected abstract StorageUnderTest CreateStorage();

    /// <summary>Makes the database unreachable for <see cref="Storage"/>'s writes.</summary>
    protected abstract Task CutAsync();

    /// <summary>Ends the outage.</summary>
    protected abstract Task RestoreAsync();

    /// <summary>An uninitialized provider configured with <see cref="Password"/> (when the provider has one) for a
    /// database that cannot be reached, and the host (or path) its errors must name.</summary>
    protected abstract (StorageUnderTest Storage, string MustName) CreateUnreachableStorage();

    public virtual async ValueTask InitializeAsync()
    {
        _storage = CreateStorage();
        await _storage.Provider.InitializeAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await RestoreAsync();
            await _storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Write_DuringOutage_ThrowsStorageUnavailable_AndTheLastAcknowledgedValueSurvives()
    {
        var key = NewKey();
        var acknowledged = await Storage.States.WriteAsync(key, """{"v":"acknowledged"}""", null, Writer);

        await CutAsync();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Storage.States.WriteAsync(key, """{"v":"lost"}""", acknowledged, Writer));
        await RestoreAsync();

        Assert.Contains(Storage.States.ProviderName, error.Message, StringComparison.Ordinal);
        var afterOutage = await Storage.States.ReadAsync(key);
        Assert.Equal(acknowledged, afterOutage!.ETag);
        JsonAssert.Equivalent("""{"v":"acknowledged"}""", afterOutage.Json);

        var next = await Storage.States.WriteAsync(key, """{"v":"after"}""", acknowledged, Writer);
        var final = await Storage.States.ReadAsync(key);
        Assert.Equal(next, final!.ETag);
        JsonAssert.Equivalent("""{"v":"after"}""", final.Json);
    }

    [Fact]
    public async Task ClearAndReminderWrites_DuringOutage_ThrowStorageUnavailable_AndChangeNothing()
    {
        var key = NewKey();
        var etag = await Storage.States.WriteAsync(key, """{"v":1}""", null, Writer);
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var reminder = await Storage.Reminders.UpsertAsync(key.GrainId, "r", 3, start, TimeSpan.FromMinutes(1), start, Writer);

        await CutAsync();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Storage.States.ClearAsync(key, etag, Writer));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Storage.Reminders.UpsertAsync(key.GrainId, "r", 3, start, TimeSpan.FromHours(1), start, Writer));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Storage.Reminders.AdvanceAsync(reminder, start.AddMinutes(1), Writer));
        await RestoreAsync();

        JsonAssert.Equivalent("""{"v":1}""", (await Storage.States.ReadAsync(key))!.Json);
        Assert.Equal(reminder, await Storage.Reminders.ReadAsync(key.GrainId, "r"));
        Assert.NotNull(await Storage.Reminders.AdvanceAsync(reminder, start.AddMinutes(1), Writer));
    }

    [Fact]
    public async Task Initialize_UnreachableDatabase_ThrowsStorageUnavailableNamingProviderAndHostButNotThePassword()
    {
        var (storage, mustName) = CreateUnreachableStorage();
        await using var _ = storage;

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Provider.InitializeAsync());

        Assert.Contains(storage.Provider.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains(mustName, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, storage.Provider.Location, StringComparison.Ordinal);
    }

    private static GrainStateKey NewKey() => new(new GrainId("test", Guid.NewGuid().ToString("N")), "state", 3);
}

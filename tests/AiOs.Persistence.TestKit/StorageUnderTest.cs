using AiOs.Persistence.Approvals;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Persistence.Spend;
using AiOs.Persistence.Memory;

namespace AiOs.Persistence.TestKit;

/// <summary>A storage provider under test: one instance seen through its contracts.</summary>
public sealed class StorageUnderTest : IAsyncDisposable
{
    private readonly object _provider;

    private StorageUnderTest(object provider, IStorageProvider storage, IGrainStateStore states, IReminderTable reminders, IEventLog events, IActionLedger ledger)
    {
        _provider = provider;
        Provider = storage;
        States = states;
        Reminders = reminders;
        Events = events;
        Ledger = ledger;
    }

    public IStorageProvider Provider { get; }

    public IGrainStateStore States { get; }

    public IReminderTable Reminders { get; }

    public IEventLog Events { get; }

    public IActionLedger Ledger { get; }

    /// <summary>The provider's API key store (every provider has one).</summary>
    public IApiKeyStore ApiKeys => (IApiKeyStore)_provider;

    /// <summary>The provider's spend and budget store (every provider has one).</summary>
    public ISpendStore Spend => (ISpendStore)_provider;
    /// <summary>The provider's approval queue and policy decision log (every provider has one).</summary>
    public IApprovalStore Approvals => (IApprovalStore)_provider;
    /// <summary>The provider's schedule store (every provider has one).</summary>
    public Schedules.IScheduleStore Schedules => (Schedules.IScheduleStore)_provider;
    /// <summary>The provider's memory store (every provider has one).</summary>
    public IMemoryStore Memory => (IMemoryStore)_provider;

    public static StorageUnderTest Of<T>(T provider)
        where T : class, IStorageProvider, IGrainStateStore, IReminderTable, IEventLog, IActionLedger =>
        new(provider, provider, provider, provider, provider, provider);

    public async ValueTask DisposeAsync()
    {
        switch (_provider)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

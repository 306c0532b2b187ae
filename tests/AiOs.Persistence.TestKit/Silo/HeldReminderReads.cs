using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Persistence.TestKit.Silo;

/// <summary>Puts itself in front of the provider's reminder table so that a test can hold the silo's next read of its
/// partitions' reminders: the read is made at once, but its rows reach the silo only when the test releases them. Until
/// that read has been made, no tick's delivery can be recorded, so the rows are certain to predate it.</summary>
public sealed class HeldReminderReads
{
    private Hold? _pending;
    private Hold? _current;

    /// <summary>Registers the wrapper over the <see cref="IReminderTable"/> the provider registered.</summary>
    public void Decorate(IServiceCollection services)
    {
        var provider = services.Last(d => d.ServiceType == typeof(IReminderTable));
        var create = provider.ImplementationFactory
            ?? throw new InvalidOperationException("The provider registers IReminderTable without a factory; HeldReminderReads expects one.");
        services.AddSingleton<IReminderTable>(sp => new Table((IReminderTable)create(sp), this));
    }

    /// <summary>Holds the next read of whole partitions (the refresh's, or a partition's new owner's).</summary>
    public Hold HoldNextPartitionRead()
    {
        var hold = new Hold();
        Volatile.Write(ref _current, hold);
        Volatile.Write(ref _pending, hold);
        return hold;
    }

    public sealed class Hold
    {
        private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the held read has read the table.</summary>
        public Task Read => _read.Task;

        /// <summary>Hands the rows read to the silo.</summary>
        public void Release() => _release.TrySetResult();

        internal void MarkRead() => _read.TrySetResult();

        internal Task Released(CancellationToken cancellationToken) => _release.Task.WaitAsync(cancellationToken);
    }

    private sealed class Table(IReminderTable inner, HeldReminderReads owner) : IReminderTable
    {
        public async Task<IReadOnlyList<ReminderEntry>> ReadPartitionsAsync(IReadOnlyCollection<int> partitions, CancellationToken cancellationToken = default)
        {
            var hold = Interlocked.Exchange(ref owner._pending, null);
            var rows = await inner.ReadPartitionsAsync(partitions, cancellationToken);
            if (hold is not null)
            {
                hold.MarkRead();
                await hold.Released(cancellationToken);
            }

            return rows;
        }

        public async Task<ReminderEntry?> AdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, StorageWriter writer, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref owner._current) is { } hold)
            {
                await hold.Read.WaitAsync(cancellationToken);
            }

            return await inner.AdvanceAsync(entry, nextDue, writer, cancellationToken);
        }

        public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(grainId, name, cancellationToken);

        public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default) =>
            inner.ReadGrainAsync(grainId, cancellationToken);

        public Task<ReminderEntry> UpsertAsync(
            GrainId grainId, string name, int partition, DateTimeOffset startAt, TimeSpan period, DateTimeOffset nextDue,
            StorageWriter writer, CancellationToken cancellationToken = default) =>
            inner.UpsertAsync(grainId, name, partition, startAt, period, nextDue, writer, cancellationToken);

        public Task<bool> RemoveAsync(GrainId grainId, string name, StorageWriter writer, CancellationToken cancellationToken = default) =>
            inner.RemoveAsync(grainId, name, writer, cancellationToken);
    }
}

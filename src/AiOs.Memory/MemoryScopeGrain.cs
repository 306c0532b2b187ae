using AiOs.Persistence.Memory;
using Microsoft.Extensions.Options;

namespace AiOs.Memory;

/// <summary>The grain that owns a scope's upkeep, keyed by the scope (<c>customer/acme</c>, <c>business</c>): a durable
/// reminder compacts old interactions into summaries (with the registered <see cref="IMemorySummarizer"/>) and applies retention.</summary>
public interface IMemoryScopeGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the scope's maintenance reminder is registered; idempotent.</summary>
    Task EnsureMaintenance();

    /// <summary>Runs maintenance now: compaction, then retention. Returns summaries made and items removed.</summary>
    Task<(int Summaries, int Removed)> Maintain();
}

[GrainType("memory-scope")]
public sealed class MemoryScopeGrain(MemoryService memory, IMemorySummarizer summarizer, IOptions<MemoryOptions> options) : Grain, IMemoryScopeGrain, IRemindable
{
    public const string MaintenanceReminder = "memory-maintenance";

    private bool _registered;

    /// <summary>The grain key of <paramref name="scope"/>.</summary>
    public static string KeyOf(MemoryScope scope) => scope.ToString();

    /// <summary>The scope a grain key names.</summary>
    public static MemoryScope ScopeOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == "business")
        {
            return MemoryScope.Business;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && MemoryScope.ParseKind(key[..slash]) is { } kind
            ? new MemoryScope(kind, key[(slash + 1)..])
            : throw new ArgumentException($"'{key}' does not name a memory scope", nameof(key));
    }

    public async Task EnsureMaintenance()
    {
        if (!_registered)
        {
            var period = options.Value.MaintenancePeriod;
            await RegisterOrUpdateReminder(MaintenanceReminder, period, period);
            _registered = true;
        }
    }

    public async Task<(int Summaries, int Removed)> Maintain()
    {
        var scope = ScopeOf(GrainId.Key);
        var summaries = await memory.CompactAsync(scope, summarizer);
        var removed = await memory.ApplyRetentionAsync(scope);
        return (summaries.Count, removed);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == MaintenanceReminder ? Maintain() : Task.CompletedTask;
}

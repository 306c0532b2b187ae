namespace AiOs.Runtime.Configuration;

/// <summary>The silo's identity and the shape of the grain space. Section <c>AiOs:Silo</c>.</summary>
public sealed class SiloOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Silo";

    /// <summary>The silo's name, unique in its cluster; recorded as the writer of every row. Defaults to the host name.</summary>
    public string SiloId { get; set; } = Environment.MachineName;

    /// <summary>Number of partitions the grain space is split into. Fixed for the life of a cluster's database: every
    /// stored row records its partition.</summary>
    public int PartitionCount { get; set; } = 256;
}

/// <summary>Grain call deadlines. Section <c>AiOs:Calls</c>.</summary>
public sealed class GrainCallOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Calls";

    /// <summary>Deadline of a call that does not inherit an earlier one from its caller.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often deadlines are checked; a call fails at most this long after its deadline.</summary>
    public TimeSpan TimeoutCheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Record call counts, errors and latency per grain type and method (the built-in call statistics).</summary>
    public bool RecordCallMetrics { get; set; } = true;

    /// <summary>Every how many calls of an activation one is timed for the latency histogram (1 = every call). Counts of
    /// calls and errors are always exact; timing costs two clock reads, a quarter of a cheap in-silo call on a VM.</summary>
    public int LatencySampleInterval { get; set; } = 8;
}

/// <summary>Idle collection of activations. Section <c>AiOs:Collection</c>.</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Collection";

    /// <summary>An activation idle for longer than this is deactivated (unless its type says otherwise).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for; collection happens within age + one quantum.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Collection age per grain type name; overrides <see cref="CollectionAgeLimitAttribute"/> and the default.</summary>
    public Dictionary<string, TimeSpan> CollectionAgeByGrainType { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Bound on one activation's <c>OnDeactivateAsync</c> (and on a silo's drain at shutdown).</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Durable reminders. Section <c>AiOs:Reminders</c>.</summary>
public sealed class ReminderOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "AiOs:Reminders";

    /// <summary>The shortest period a reminder may have. Reminders are for minutes and days; use timers for seconds.</summary>
    public TimeSpan MinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the silo re-reads the reminders of its partitions, to pick up rows it did not write itself
    /// (after a failover, or written by another process).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

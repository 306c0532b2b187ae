namespace AiOs;

/// <summary>A named piece of durable grain state. Read before <see cref="Grain.OnActivateAsync"/>; written only when the
/// grain asks. Writes are optimistic: each carries the <see cref="ETag"/> it last saw, and a write that lost a race
/// fails with <see cref="InconsistentStateException"/> and deactivates the activation.</summary>
/// <typeparam name="TState">A JSON-serializable class. New properties may be added later: rows written before then read
/// with the new properties at their defaults.</typeparam>
public interface IPersistentState<TState>
    where TState : class, new()
{
    /// <summary>The state. After a failed write it is the last state that was read or written successfully.</summary>
    TState State { get; set; }

    /// <summary>The version of the stored row this activation last read or wrote, or null if there is none.</summary>
    string? ETag { get; }

    /// <summary>True when a row exists in storage.</summary>
    bool RecordExists { get; }

    /// <summary>Re-reads the state from storage.</summary>
    Task ReadStateAsync();

    /// <summary>Writes <see cref="State"/>. Returns once the storage has acknowledged the write.</summary>
    /// <exception cref="InconsistentStateException">Another writer changed the row since this activation read it.</exception>
    /// <exception cref="StorageUnavailableException">The storage could not be reached; retry later.</exception>
    Task WriteStateAsync();

    /// <summary>Deletes the stored row and resets <see cref="State"/> to a new instance.</summary>
    Task ClearStateAsync();
}

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorage) : Attribute
{
    /// <summary>The name of the default storage provider.</summary>
    public const string DefaultStorage = "Default";

    /// <summary>The state's name, unique within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The storage provider's name.</summary>
    public string StorageName { get; } = storageName;
}

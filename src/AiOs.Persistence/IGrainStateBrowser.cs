namespace AiOs.Persistence;

/// <summary>One named state of a grain as stored.</summary>
/// <param name="StateName">The state's name within the grain.</param>
/// <param name="State">The stored row (Json null for a cleared row).</param>
public sealed record NamedGrainState(string StateName, StoredGrainState State);

/// <summary>Read-only browsing of stored grain state for inspection (the dashboard) and for the rare sweeps over every
/// grain of a type (forgetting a customer finds their goals this way): what a grain has stored under any name, and which
/// grains of a type have state. Never used on a grain's call path; a grain's own reads go through
/// <see cref="IGrainStateStore"/>.</summary>
public interface IGrainStateBrowser
{
    /// <summary>Every named state row of <paramref name="grainId"/>, cleared ones included, ordered by name.</summary>
    Task<IReadOnlyList<NamedGrainState>> ReadStatesAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Keys of grains of <paramref name="grainType"/> that have stored state (not cleared), the most recently
    /// written first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string grainType, int limit, CancellationToken cancellationToken = default);
}

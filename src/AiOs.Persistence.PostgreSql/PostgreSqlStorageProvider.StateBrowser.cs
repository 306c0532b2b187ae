using AiOs.Persistence.Shared;

namespace AiOs.Persistence.PostgreSql;

// IGrainStateBrowser: reads by the primary key's prefix (grain_type, grain_key); listing keys sorts one type's rows.
public sealed partial class PostgreSqlStorageProvider : IGrainStateBrowser
{
    private const string SelectGrainStates = """
        SELECT state_name, payload::text, version, written_by, written_at FROM aios_grain_state
        WHERE grain_type = $1 AND grain_key = $2 ORDER BY state_name
        """;

    private const string SelectKeysOfType = """
        SELECT grain_key FROM aios_grain_state WHERE grain_type = $1 AND payload IS NOT NULL
        GROUP BY grain_key ORDER BY max(written_at) DESC, grain_key LIMIT $2
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<NamedGrainState>> ReadStatesAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        return RunAsync<IReadOnlyList<NamedGrainState>>(async (connection, ct) =>
        {
            var command = Command(connection, SelectGrainStates, grainId.Type, grainId.Key);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var states = new List<NamedGrainState>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        states.Add(new NamedGrainState(reader.GetString(0), new StoredGrainState(
                            reader.IsDBNull(1) ? null : reader.GetString(1),
                            ETag.Format(reader.GetInt64(2)),
                            reader.GetString(3),
                            reader.GetFieldValue<DateTimeOffset>(4))));
                    }

                    return states;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListKeysAsync(string grainType, int limit, CancellationToken cancellationToken = default)
    {
        GrainId.ValidateTypeName(grainType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync<IReadOnlyList<string>>(async (connection, ct) =>
        {
            var command = Command(connection, SelectKeysOfType, grainType, limit);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var keys = new List<string>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        keys.Add(reader.GetString(0));
                    }

                    return keys;
                }
            }
        }, cancellationToken);
    }
}

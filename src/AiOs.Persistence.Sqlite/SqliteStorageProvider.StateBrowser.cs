using AiOs.Persistence.Shared;

namespace AiOs.Persistence.Sqlite;

// IGrainStateBrowser: reads by the primary key's prefix (grain_type, grain_key); listing keys sorts one type's rows.
public sealed partial class SqliteStorageProvider : IGrainStateBrowser
{
    private const string SelectGrainStates = """
        SELECT state_name, payload, version, written_by, written_at FROM aios_grain_state
        WHERE grain_type = $type AND grain_key = $key ORDER BY state_name
        """;

    private const string SelectKeysOfType = """
        SELECT grain_key FROM aios_grain_state WHERE grain_type = $type AND payload IS NOT NULL
        GROUP BY grain_key ORDER BY max(written_at) DESC, grain_key LIMIT $limit
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<NamedGrainState>> ReadStatesAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        return ReadAsync<IReadOnlyList<NamedGrainState>>(connection =>
        {
            using var command = StreamCommand(connection, SelectGrainStates, grainId);
            using var reader = command.ExecuteReader();
            var states = new List<NamedGrainState>();
            while (reader.Read())
            {
                states.Add(new NamedGrainState(reader.GetString(0), new StoredGrainState(
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    ETag.Format(reader.GetInt64(2)),
                    reader.GetString(3),
                    SqliteTime.FromMicroseconds(reader.GetInt64(4)))));
            }

            return states;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListKeysAsync(string grainType, int limit, CancellationToken cancellationToken = default)
    {
        GrainId.ValidateTypeName(grainType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectKeysOfType;
            AddParameter(command, "$type", grainType);
            AddParameter(command, "$limit", limit);
            using var reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }, cancellationToken);
    }
}

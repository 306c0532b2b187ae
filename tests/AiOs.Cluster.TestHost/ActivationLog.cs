using Npgsql;

namespace AiOs.Cluster.TestHost;

/// <summary>Records activation intervals in the table <c>test_activations</c> (created by the test) of the silo's schema,
/// on the database's clock, so that a test can check that no two activations of a grain overlapped.</summary>
public sealed class ActivationLog(NpgsqlDataSource dataSource)
{
    public async Task<long> StartedAsync(string grain, string silo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO test_activations (grain, silo, started_at) VALUES ($1, $2, clock_timestamp()) RETURNING id");
        command.Parameters.Add(new NpgsqlParameter { Value = grain });
        command.Parameters.Add(new NpgsqlParameter { Value = silo });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task EndedAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE test_activations SET ended_at = clock_timestamp() WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using Npgsql;

namespace AiOs.Benchmarks.Harness;

/// <summary>The ceiling for durable goals: per goal, one committed insert for the goal and one per step, each its own
/// transaction (so each step is durable before the next starts, as the coordinator's checkpoints are), with no runtime,
/// grains or serialization around them.</summary>
public static class BareStepInserts
{
    // About the size of a goal checkpoint early in its life.
    private static readonly string Payload = $$"""{"history":"{{new string('x', 600)}}"}""";

    public static async Task<LoadResult> RunAsync(string postgres, int concurrency, TimeSpan duration, TimeSpan warmup)
    {
        var schema = $"bench_{Guid.NewGuid():N}"[..20];
        await using var data = NpgsqlDataSource.Create(postgres);
        await using (var create = data.CreateCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.steps (goal bigint, step int, payload jsonb, PRIMARY KEY (goal, step))"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var next = 0L;
            var insert = $"INSERT INTO {schema}.steps (goal, step, payload) VALUES ($1, $2, $3::jsonb)";
            return await LoadRunner.RunAsync("bare insert loop, goal + 3 steps (PostgreSQL)", concurrency, _ => async () =>
            {
                var goal = Interlocked.Increment(ref next);
                await using var connection = await data.OpenConnectionAsync();
                for (var step = 0; step <= GoalHarness.StepsPerGoal; step++)
                {
                    await using var command = new NpgsqlCommand(insert, connection) { Parameters = { new() { Value = goal }, new() { Value = step }, new() { Value = Payload } } };
                    await command.ExecuteNonQueryAsync();
                }
            }, duration, warmup);
        }
        finally
        {
            await using var drop = data.CreateCommand($"DROP SCHEMA {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }
}

using AiOs.Runtime;
using Npgsql;

namespace AiOs.Cluster.TestHost;

public interface ITickingGrain : IGrainWithStringKey
{
    /// <summary>Registers (or re-registers) the reminder "tick": first due after <paramref name="due"/>, then every
    /// <paramref name="period"/>.</summary>
    Task Start(TimeSpan due, TimeSpan period);
}

/// <summary>A grain with one durable reminder, that records every tick it receives in the table <c>test_reminder_ticks</c>
/// (created by the test): which silo delivered it, when it was due, and when it arrived on the database's clock, so that a
/// test can see that no reminder stopped firing and how late the ticks were.</summary>
[GrainType("ticking")]
public sealed class TickingGrain(NpgsqlDataSource dataSource, SiloRuntime runtime) : Grain, ITickingGrain, IRemindable
{
    public async Task Start(TimeSpan due, TimeSpan period) => await RegisterOrUpdateReminder("tick", due, period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO test_reminder_ticks (grain, silo, due_at, ticked_at) VALUES ($1, $2, $3, clock_timestamp())");
        command.Parameters.Add(new NpgsqlParameter { Value = GetPrimaryKeyString() });
        command.Parameters.Add(new NpgsqlParameter { Value = runtime.SiloId });
        command.Parameters.Add(new NpgsqlParameter { Value = status.ScheduledTime.UtcDateTime });
        await command.ExecuteNonQueryAsync();
    }
}

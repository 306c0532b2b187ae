using System.Diagnostics;
using AiOs.Runtime.Placement;
using AiOs.Testing;

namespace AiOs.Cluster.Tests.Processes;

/// <summary>Durable reminders in real silo processes, through the SIGKILL of one of them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReminderProcessTests(PostgresDatabase database, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Reminders = 1_000;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ProcessCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = new ProcessCluster(database, output);
        // Reminders of a few seconds, so that a test sees several ticks of each; the service's minimum is a minute.
        _cluster.Settings["AiOs__Reminders__MinimumPeriod"] = "00:00:01";
        await _cluster.PrepareAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task ThousandReminders_KeepFiringThroughTheKillOfASilo_NoneIsLost()
    {
        foreach (var name in new[] { "s1", "s2", "s3" })
        {
            await _cluster.StartAsync(name);
        }

        await _cluster.WaitUntilBalancedAsync();

        // First ticks spread over one period, so that the silos are not asked for a thousand ticks at once every period.
        await Parallel.ForEachAsync(Enumerable.Range(0, Reminders), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var due = TimeSpan.FromSeconds(1) + (Period * i / Reminders);
            await RegisterAsync(Key(i), due);
        });
        await Eventually.WaitUntilAsync(
            async () => await CountAsync("SELECT count(DISTINCT grain) FROM test_reminder_ticks") == Reminders,
            "every reminder ticked once",
            TimeSpan.FromSeconds(30));

        // The reminders that must move: those in the partitions s2 holds when it dies.
        var partitionsOfS2 = (await database.QueryAsync("SELECT partition FROM aios_partition_leases WHERE owner LIKE 's2@%'", _cluster.Schema))
            .Select(p => (int)p!).ToHashSet();
        var moved = Enumerable.Range(0, Reminders).Select(Key)
            .Where(key => partitionsOfS2.Contains(PartitionHasher.GetPartition(new GrainId("ticking", key), 256)))
            .ToHashSet();
        Assert.InRange(moved.Count, Reminders / 5, Reminders / 2);

        _cluster.Process("s2").Kill();
        var killed = Stopwatch.StartNew();
        var killedAt = await _cluster.DatabaseNowAsync();
        const string TicksAfterKill = "SELECT grain FROM test_reminder_ticks WHERE ticked_at > $1 GROUP BY grain HAVING count(*) >= $2";

        // None lost: every reminder ticks again after the kill, those of s2 on their new owners (one catch-up tick for
        // the ticks missed while no silo held them). The deadline is the bound: lease expiry (6 s) and takeover, plus a
        // period, with room for a loaded machine.
        await Eventually.WaitUntilAsync(
            async () => (await GrainsAsync(TicksAfterKill, killedAt, 1)).Count == Reminders,
            "every reminder ticked after the kill",
            TimeSpan.FromSeconds(30));
        var resumed = killed.Elapsed;

        // And they keep firing there, not just once: two more ticks after the catch-up.
        await Eventually.WaitUntilAsync(
            async () => (await GrainsAsync(TicksAfterKill, killedAt, 3)).Count == Reminders,
            "every reminder ticked three times after the kill",
            TimeSpan.FromSeconds(30));

        var ticks = await TicksAsync();
        Assert.DoesNotContain(ticks, t => t.Silo == "s2" && t.TickedAt > killedAt);
        var steady = ticks.Where(t => t.TickedAt < killedAt).Select(t => t.TickedAt - t.DueAt).ToList();
        var catchUp = ticks.Where(t => moved.Contains(t.Grain) && t.TickedAt > killedAt)
            .GroupBy(t => t.Grain).Select(g => g.MinBy(t => t.TickedAt)).Select(t => t.TickedAt - t.DueAt).ToList();
        var all = ticks.Select(t => t.TickedAt - t.DueAt).ToList();
        output.WriteLine($"measured: every one of the {Reminders} reminders ({moved.Count} on s2) ticked again by {resumed.TotalSeconds:F1} s after kill -9 (period {Period.TotalSeconds:F0} s)");
        output.WriteLine($"measured: lateness (tick recorded minus due) before the kill p50 {Percentile(steady, 0.50)} ms, p99 {Percentile(steady, 0.99)} ms ({steady.Count} ticks)");
        output.WriteLine($"measured: lateness of the catch-up tick of s2's reminders p50 {Percentile(catchUp, 0.50)} ms, p99 {Percentile(catchUp, 0.99)} ms, max {Percentile(catchUp, 1)} ms");
        output.WriteLine($"measured: lateness over all {all.Count} ticks p50 {Percentile(all, 0.50)} ms, p99 {Percentile(all, 0.99)} ms");
    }

    private static string Key(int i) => $"reminder-{i}";

    private static long Percentile(List<TimeSpan> values, double q)
    {
        var sorted = values.Order().ToList();
        return (long)sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)].TotalMilliseconds;
    }

    /// <summary>Registers a reminder through a random live silo, retrying until one acknowledges it.</summary>
    private async Task RegisterAsync(string key, TimeSpan due)
    {
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var live = _cluster.Live.Values.ToArray();
                try
                {
                    using var response = await _http.PostAsync(
                        new Uri(live[Random.Shared.Next(live.Length)], $"test/remind/{key}/{(int)due.TotalMilliseconds}/{(int)Period.TotalMilliseconds}"), content: null);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"{key} registered",
            TimeSpan.FromSeconds(30));
    }

    private async Task<long> CountAsync(string sql) => (long)(await database.QueryAsync(sql, _cluster.Schema))[0]!;

    private async Task<List<string>> GrainsAsync(string sql, DateTime after, int count)
    {
        await using var connection = await database.OpenConnectionAsync(_cluster.Schema);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = after });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (long)count });
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    private async Task<List<(string Grain, string Silo, DateTime DueAt, DateTime TickedAt)>> TicksAsync()
    {
        await using var connection = await database.OpenConnectionAsync(_cluster.Schema);
        await using var command = new Npgsql.NpgsqlCommand("SELECT grain, silo, due_at, ticked_at FROM test_reminder_ticks", connection);
        var result = new List<(string, string, DateTime, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetDateTime(2), reader.GetDateTime(3)));
        }

        return result;
    }
}

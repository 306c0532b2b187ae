using System.Collections.Concurrent;
using System.Globalization;

namespace AiOs.Testing;

/// <summary>Silo processes of <c>AiOs.Cluster.TestHost</c> on one PostgreSQL schema, with the service's default cluster
/// settings (heartbeats every 2 s, death after 10 s, leases of 6 s), each reachable over HTTP for the load client. The
/// test project must reference <c>AiOs.Cluster.TestHost</c>, whose build output it runs.</summary>
public sealed class ProcessCluster(PostgresDatabase database, ITestOutputHelper output) : IAsyncDisposable
{
    // Concurrent: the load client reads the live silos while the test starts new ones.
    private readonly ConcurrentDictionary<string, (ServiceProcess Process, Uri Http)> _silos = new(StringComparer.Ordinal);
    private readonly TempDirectory _data = new();

    public string Schema { get; } = database.NewSchemaName();

    /// <summary>The silos started and not stopped or killed, by name.</summary>
    public IReadOnlyDictionary<string, Uri> Live => _silos.Where(s => !s.Value.Process.HasExited).ToDictionary(s => s.Key, s => s.Value.Http);

    public ServiceProcess Process(string name) => _silos[name].Process;

    /// <summary>Settings added to every silo's environment (over the defaults below), for a test that needs other than
    /// the service's defaults; set before starting silos, so that a restarted silo gets them too.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>The HTTP address of a silo started and not stopped or killed.</summary>
    public Uri Http(string name) => _silos[name].Http;

    /// <summary>Creates the schema and the tables the test grains record their activations and reminder ticks in.</summary>
    public Task PrepareAsync() => database.ExecuteAsync($"""
        CREATE SCHEMA IF NOT EXISTS {Schema};
        CREATE TABLE {Schema}.test_activations (id bigserial PRIMARY KEY, grain text NOT NULL, silo text NOT NULL,
            started_at timestamptz NOT NULL, ended_at timestamptz);
        CREATE TABLE {Schema}.test_reminder_ticks (id bigserial PRIMARY KEY, grain text NOT NULL, silo text NOT NULL,
            due_at timestamptz NOT NULL, ticked_at timestamptz NOT NULL);
        """);

    /// <summary>The test host's program, in the test's own build output.</summary>
    public static string TestHostPath => Path.Combine(AppContext.BaseDirectory, "AiOs.Cluster.TestHost.dll");

    /// <summary>Starts a silo process with the test settings and waits until it serves HTTP.</summary>
    public Task StartAsync(string name)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AiOs__Storage"] = "postgresql",
            // Several processes, each with a storage pool and the test grain's own: keep them within the server's connection limit.
            ["AiOs__Storage__PostgreSql__ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=20",
            ["AiOs__Storage__PostgreSql__Schema"] = Schema,
            ["AiOs__Silo__SiloId"] = name,
            ["AiOs__DataDirectory"] = Path.Combine(_data.Path, name),
            ["AiOs__Http__Port"] = "0",
            // The gRPC API listens on a fixed port by default; silos side by side take free ones.
            ["AiOs__Api__Port"] = "0",
            ["AiOs__Cluster__Port"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
            ["AiOs__Cluster__Secret"] = "process-cluster-secret-0123456789",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__AiOs.Cluster"] = "Information",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        return StartAsync(name, () => ServiceProcess.Start(TestHostPath, environment, output, name));
    }

    /// <summary>Starts a silo process the caller launches (with an environment of its own, e.g. a pod's) and waits until
    /// it serves HTTP. The silo id must be <paramref name="name"/> and the schema <see cref="Schema"/>.</summary>
    public async Task StartAsync(string name, Func<ServiceProcess> launch)
    {
        var process = launch();
        var address = (await process.WaitForLineAsync(@"AiOs is running at (\S+)", TimeSpan.FromSeconds(60))).Groups[1].Value;
        if (_silos.TryGetValue(name, out var previous))
        {
            await previous.Process.DisposeAsync();
        }

        _silos[name] = (process, new Uri(address));
    }

    /// <summary>Waits until every partition has an unexpired lease held by a live silo, each within one of a fair share.</summary>
    public Task WaitUntilBalancedAsync(TimeSpan? timeout = null) =>
        Eventually.WaitUntilAsync(
            async () =>
            {
                var live = Live.Keys.ToList();
                var rows = await database.QueryAsync(
                    "SELECT split_part(owner, '@', 1) FROM aios_partition_leases WHERE owner IS NOT NULL AND expires_at > now()", Schema);
                var counts = rows.GroupBy(r => (string)r!).ToDictionary(g => g.Key, g => g.Count());
                var partitions = 256;
                return counts.Values.Sum() == partitions
                    && counts.Keys.All(live.Contains)
                    && live.All(s => counts.GetValueOrDefault(s) >= partitions / live.Count && counts.GetValueOrDefault(s) <= (partitions + live.Count - 1) / live.Count);
            },
            "every partition leased to a live silo, within one of a fair share",
            timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>The database's clock now.</summary>
    public async Task<DateTime> DatabaseNowAsync() => (DateTime)(await database.QueryAsync("SELECT clock_timestamp()", Schema))[0]!;

    /// <summary>Every recorded activation: grain, silo, start, end (null while active or when its process died).</summary>
    public async Task<IReadOnlyList<(string Grain, string Silo, DateTime Started, DateTime? Ended)>> ActivationsAsync()
    {
        var result = new List<(string, string, DateTime, DateTime?)>();
        await using var connection = await database.OpenConnectionAsync(Schema);
        await using var command = new Npgsql.NpgsqlCommand("SELECT grain, silo, started_at, ended_at FROM test_activations ORDER BY grain, started_at", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetDateTime(3)));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _silos.Values)
        {
            await process.DisposeAsync();
        }

        _data.Dispose();
    }
}

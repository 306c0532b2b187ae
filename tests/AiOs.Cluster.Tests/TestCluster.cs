using AiOs.Runtime;
using AiOs.Runtime.Placement;
using AiOs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiOs.Cluster.Tests;

/// <summary>Real silos in this process, each a web application with its own silo-to-silo port, all in one PostgreSQL
/// schema. Intervals are short (heartbeats every 200 ms, death after 3 s, leases of 3 s) so that failures play out in
/// seconds (with room for a starved thread pool on two cores); the protocol is the same as with the defaults.</summary>
public sealed class TestCluster(PostgresDatabase database, ITestOutputHelper output) : IAsyncDisposable
{
    public const int Partitions = 64;

    private readonly List<ClusterSilo> _silos = [];

    /// <summary>This cluster's schema.</summary>
    public string Schema { get; } = database.NewSchemaName();

    public IReadOnlyList<ClusterSilo> Silos => _silos;

    /// <summary>The silos still running.</summary>
    public IEnumerable<ClusterSilo> Running => _silos.Where(s => !s.Stopped);

    /// <summary>Starts a silo named <paramref name="name"/>. <paramref name="connectionString"/> replaces the database's
    /// (to go through a proxy); <paramref name="settings"/> override the test defaults.</summary>
    public async Task<ClusterSilo> StartSiloAsync(string name, string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = Build(name, connectionString, settings);
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var silo = new ClusterSilo(name, app);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Builds a silo without starting it (to test start-up failures).</summary>
    public WebApplication Build(string name, string? connectionString = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.Configuration.Sources.Clear();
        var config = new Dictionary<string, string?>
        {
            ["AiOs:Silo:SiloId"] = name,
            ["AiOs:Silo:PartitionCount"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AiOs:Calls:ResponseTimeout"] = "00:00:05",
            ["AiOs:Cluster:Port"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AiOs:Cluster:Secret"] = "test-cluster-secret-0123456789",
            ["AiOs:Cluster:HeartbeatInterval"] = "00:00:00.200",
            ["AiOs:Cluster:DeathTimeout"] = "00:00:03",
            ["AiOs:Cluster:LeaseDuration"] = "00:00:03",
            ["AiOs:Cluster:LeaseRenewInterval"] = "00:00:00.250",
            ["AiOs:Cluster:LeaseSafetyMargin"] = "00:00:00.500",
            ["AiOs:Cluster:HandOffTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output, prefix: name));

        builder.Services.AddAiOsPostgreSqlStorage(o =>
        {
            o.ConnectionString = connectionString ?? database.ConnectionString;
            o.Schema = Schema;
        });
        builder.Services.AddAiOsSilo(builder.Configuration, s => s.AddGrain<ProbeGrain>());
        builder.AddAiOsCluster();
        var app = builder.Build();
        app.MapAiOsCluster();
        return app;
    }

    /// <summary>Waits until every partition is held by exactly one running silo, each within one partition of a fair
    /// share, and every running silo's directory knows where every other partition is.</summary>
    public Task WaitUntilBalancedAsync(TimeSpan? timeout = null) =>
        Eventually.WaitUntilAsync(
            () =>
            {
                var running = Running.ToList();
                var counts = running.Select(s => s.Ownership.OwnedPartitions.Count).ToList();
                var fair = Partitions / (double)running.Count;
                return Enumerable.Range(0, Partitions).All(p => running.Count(s => s.Ownership.Owns(p)) == 1)
                    && counts.All(c => c >= Math.Floor(fair) && c <= Math.Ceiling(fair));
            },
            $"every partition held once, within one of a fair share, by the {Running.Count()} running silos",
            timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>A grain key whose partition <paramref name="silo"/> holds now.</summary>
    public static string KeyOwnedBy(ClusterSilo silo, string prefix = "k")
    {
        for (var i = 0; ; i++)
        {
            var key = $"{prefix}-{Guid.NewGuid():N}";
            if (silo.Ownership.Owns(PartitionOf(key)))
            {
                return key;
            }
        }
    }

    public static int PartitionOf(string key) => PartitionHasher.GetPartition(new GrainId("cluster-probe", key), Partitions);

    /// <summary>Reads the membership table.</summary>
    public async Task<IReadOnlyList<(string Name, string Status, string? DeclaredBy)>> MembersAsync()
    {
        var rows = new List<(string, string, string?)>();
        await using var connection = await database.OpenConnectionAsync(Schema);
        await using var command = new Npgsql.NpgsqlCommand("SELECT name, status, declared_dead_by FROM aios_silos ORDER BY name, generation", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    public Task ExecuteAsync(string sql) => database.ExecuteAsync(sql, Schema);

    public async ValueTask DisposeAsync()
    {
        var silos = _silos.ToList();
        _silos.Clear();
        foreach (var silo in silos.AsEnumerable().Reverse())
        {
            await silo.DisposeAsync();
        }
    }
}

/// <summary>One silo of a <see cref="TestCluster"/>.</summary>
public sealed class ClusterSilo(string name, WebApplication app) : IAsyncDisposable
{
    public string Name { get; } = name;

    public WebApplication App { get; } = app;

    public SiloRuntime Runtime { get; } = app.Services.GetRequiredService<SiloRuntime>();

    public IGrainFactory GrainFactory { get; } = app.Services.GetRequiredService<IGrainFactory>();

    public IPartitionOwnership Ownership { get; } = app.Services.GetRequiredService<IPartitionOwnership>();

    public ClusterStatus Status { get; } = app.Services.GetRequiredService<ClusterStatus>();

    public IHostApplicationLifetime Lifetime { get; } = app.Services.GetRequiredService<IHostApplicationLifetime>();

    public int ClusterPort => int.Parse(App.Configuration["AiOs:Cluster:Port"]!, System.Globalization.CultureInfo.InvariantCulture);

    public bool Stopped { get; private set; }

    public IProbeGrain Probe(string key) => GrainFactory.GetGrain<IProbeGrain>(key);

    /// <summary>A graceful stop: partitions are handed over, then the host ends.</summary>
    public async Task StopAsync()
    {
        Stopped = true;
        await App.StopAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Stopped)
        {
            Stopped = true;
            await App.StopAsync(CancellationToken.None);
        }

        await App.DisposeAsync();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Runtime;
using AiOs.Runtime.Metrics;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.Tests.Http;

/// <summary>The cluster view of a two-silo cluster, read from one silo's dashboard endpoint: it lists both silos (the other
/// one's figures fetched over the silo-to-silo transport) and merges their counts, after calls made through both; a
/// per-silo panel (connector health) shows both silos' rows.</summary>
[Trait("Category", "Cluster")]
public sealed class ClusterMergeTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const int Partitions = 16;
    private const int Keys = 40;
    private const int Rounds = 3;

    // Short cluster intervals so that the second silo gets its share of partitions in a second or two.
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["AiOs:Silo:PartitionCount"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AiOs:Cluster:HeartbeatInterval"] = "00:00:00.200",
        ["AiOs:Cluster:DeathTimeout"] = "00:00:03",
        ["AiOs:Cluster:LeaseDuration"] = "00:00:03",
        ["AiOs:Cluster:LeaseRenewInterval"] = "00:00:00.250",
        ["AiOs:Cluster:LeaseSafetyMargin"] = "00:00:00.500",
    };

    [Fact]
    public async Task OneSilosEndpoint_ListsBothSilos_AndMergesTheirActivationsAndCalls()
    {
        var ct = TestContext.Current.CancellationToken;
        const string secret = "merge-test-cluster-secret-0123456789";
        // A webhook connector on each silo (never called here), so that each has connector health of its own to report.
        var hook = new Uri("http://127.0.0.1:9/hook");
        await using var first = await DashboardSilo.StartAsync(database.ConnectionString, database.Schema, "merge1", secret, hook, settings: Fast);
        await using var second = await DashboardSilo.StartAsync(database.ConnectionString, database.Schema, "merge2", secret, hook, settings: Fast);

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = first.DashboardAddress };
        (await client.PostAsync("api/login", JsonContent.Create(new { apiKey = first.InitialOperatorKey }), ct)).EnsureSuccessStatusCode();
        async Task<JsonElement> ClusterAsync() => JsonDocument.Parse(await client.GetStringAsync("api/cluster", ct)).RootElement;

        // Both silos answer, and the partitions are shared fairly (no partition moving while the calls are counted).
        await Eventually.WaitUntilAsync(async () =>
        {
            var silos = (await ClusterAsync()).GetProperty("silos").EnumerateArray().ToList();
            return silos.Count == 2 && silos.All(s => s.GetProperty("answering").GetBoolean() && s.GetProperty("status").GetString() == "Active"
                && s.GetProperty("partitionsOwned").GetInt32() == Partitions / 2);
        }, "both silos are active and own half the partitions each", TimeSpan.FromSeconds(30));

        // Calls through both silos: each pings every key, so each forwards the keys the other owns.
        var prefix = "merge-" + Guid.NewGuid().ToString("N")[..6];
        foreach (var silo in new[] { first, second })
        {
            for (var round = 0; round < Rounds; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => silo.Grains.GetGrain<INoteGrain>($"{prefix}-{i}").Ping()));
            }
        }

        var cluster = await ClusterAsync();
        var ids = new[] { first, second }.Select(SiloIdOf).ToArray();
        var rows = cluster.GetProperty("silos").EnumerateArray().ToDictionary(s => s.GetProperty("siloId").GetString()!);
        Assert.Equal(ids.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(rows.Values, s => Assert.True(s.GetProperty("callsForwarded").GetInt64() > 0 && s.GetProperty("callsReceived").GetInt64() > 0,
            $"silo {s.GetProperty("siloId")} forwarded and received calls: {s}"));

        // Activations of the note type: each silo's own count, listed under its id, adding up to one per key.
        var note = cluster.GetProperty("grainTypes").EnumerateArray().Single(t => t.GetProperty("grainType").GetString() == "note");
        var perSilo = note.GetProperty("perSilo");
        for (var i = 0; i < 2; i++)
        {
            var own = new[] { first, second }[i].Services.GetRequiredService<SiloRuntime>().CountActivationsByGrainType()["note"];
            Assert.True(own > 0, $"silo {ids[i]} has note activations");
            Assert.Equal(own, perSilo.GetProperty(ids[i]).GetInt32());
        }

        Assert.Equal(Keys, note.GetProperty("activations").GetInt32());

        // Calls of Ping: counted where they ran, summed over the silos: every call made through either silo, once.
        var ping = cluster.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("grainType").GetString() == "note" && m.GetProperty("method").GetString() == "Ping");
        Assert.Equal(2 * Keys * Rounds, ping.GetProperty("calls").GetInt64());
        Assert.Equal(new[] { first, second }.Sum(PingsRunOn), ping.GetProperty("calls").GetInt64());
        Assert.All(new[] { first, second }, s => Assert.True(PingsRunOn(s) > 0));

        // Connector health is each silo's own: one row per silo, under its id, the other's fetched over the transport.
        var connectors = JsonDocument.Parse(await client.GetStringAsync("api/panels/connectors", ct)).RootElement.GetProperty("content");
        Assert.Equal("Silo", connectors.GetProperty("columns")[0].GetString());
        var healthRows = connectors.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("cells").EnumerateArray().Select(c => c.GetString()).ToList()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), healthRows.Select(r => r[0]));
        Assert.All(healthRows, r => Assert.Equal(["webhook", "Healthy"], r.Skip(1).Take(2)));
        Assert.All(connectors.GetProperty("rows").EnumerateArray(), r => Assert.Empty(r.GetProperty("actions").EnumerateArray()));
    }

    private static string SiloIdOf(DashboardSilo silo) => silo.Services.GetRequiredService<AiOs.Cluster.ClusterPeers>().LocalSiloId!;

    private static long PingsRunOn(DashboardSilo silo) =>
        silo.Services.GetRequiredService<RuntimeInstruments>().Statistics.Snapshot().Where(m => m.GrainType == "note" && m.Method == "Ping").Sum(m => m.Calls);
}

using System.Diagnostics;
using System.Globalization;
using AiOs.Memory;
using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Persistence.PostgreSql;
using AiOs.Persistence.Sqlite;
using Microsoft.Extensions.Options;

namespace AiOs.Benchmarks.Harness;

/// <summary>Memory (issue #5): ingest rate, then hybrid search latency (p50, p99) with the offline embedding, over one
/// large scope and over many scopes, on SQLite and on PostgreSQL. Sizes come from AIOS_BENCH_MEMORY_ONE (items in the one
/// scope, default 100,000) and AIOS_BENCH_MEMORY_SPREAD (items spread over 1,000 scopes, default 1,000,000). Searches
/// run one at a time after every scope searched has been searched once (its working set loaded); the first search of
/// the large scope, which loads it, is reported on its own.</summary>
public static class MemoryHarness
{
    private const int Batch = 500;
    private const int Queries = 300;
    private static readonly string[] Vocabulary = BuildVocabulary();

    public static async Task RunAsync()
    {
        var one = Size("AIOS_BENCH_MEMORY_ONE", 100_000);
        var spread = Size("AIOS_BENCH_MEMORY_SPREAD", 1_000_000);
        Console.WriteLine($"Machine: {HarnessReport.Machine()}");
        Console.WriteLine();
        Console.WriteLine("| provider | items | scopes | ingest items/s | first search ms | search p50 ms | search p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var provider in new[] { "SQLite", "PostgreSQL" })
        {
            if (provider == "PostgreSQL" && Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES") is null)
            {
                continue;
            }

            await RunOneAsync(provider, one, 1);
            await RunOneAsync(provider, spread, 1_000);
        }

        if (File.Exists("/proc/loadavg"))
        {
            Console.WriteLine();
            Console.WriteLine($"Load average at the end (1, 5, 15 min): {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
        }
    }

    private static async Task RunOneAsync(string providerName, int items, int scopeCount)
    {
        var directory = Directory.CreateTempSubdirectory("aios-bench-memory");
        var schema = "aios_bench_memory_" + Guid.NewGuid().ToString("N")[..8];
        object provider = providerName == "SQLite"
            ? new SqliteStorageProvider(new SqliteStorageOptions { DataDirectory = directory.FullName })
            : new PostgreSqlStorageProvider(new PostgreSqlStorageOptions { ConnectionString = Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES")!, Schema = schema });
        try
        {
            await ((IStorageProvider)provider).InitializeAsync();
            var options = Options.Create(new MemoryOptions());
            var memory = new MemoryService((IMemoryStore)provider, (IEventLog)provider, new HashedNGramEmbeddingGenerator(), new MemoryRedactor(options), options, [], TimeProvider.System, new StorageWriter("bench"));
            var scopes = Enumerable.Range(0, scopeCount).Select(i => MemoryScope.Customer($"bench-{i:D4}")).ToArray();
            var random = new Random(5);
            var at = DateTimeOffset.UtcNow.AddDays(-30);

            var ingest = Stopwatch.StartNew();
            var perScope = items / scopeCount;
            foreach (var scope in scopes)
            {
                for (var done = 0; done < perScope; done += Batch)
                {
                    var drafts = Enumerable.Range(0, Math.Min(Batch, perScope - done))
                        .Select(_ => new MemoryDraft(scope, (MemoryKind)random.Next(6), Sentence(random, 18), new MemoryProvenance("bench", "operator", at = at.AddMilliseconds(10))))
                        .ToList();
                    await memory.AddManyAsync(scope, drafts);
                }
            }

            ingest.Stop();
            var stored = perScope * scopeCount;

            var first = Stopwatch.StartNew();
            await memory.SearchAsync(new MemoryQuery(scopes[0], Sentence(random, 3)));
            first.Stop();
            foreach (var scope in scopes.Skip(1))
            {
                await memory.SearchAsync(new MemoryQuery(scope, Sentence(random, 3)));
            }

            var latencies = new List<double>(Queries);
            for (var i = 0; i < Queries; i++)
            {
                var scope = scopes[random.Next(scopes.Length)];
                var query = Sentence(random, 3);
                var watch = Stopwatch.StartNew();
                await memory.SearchAsync(new MemoryQuery(scope, query));
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {providerName} | {stored:N0} | {scopeCount:N0} | {stored / ingest.Elapsed.TotalSeconds:N0} | {first.Elapsed.TotalMilliseconds:N0} | {Percentile(latencies, 0.5):N1} | {Percentile(latencies, 0.99):N1} |"));
        }
        finally
        {
            switch (provider)
            {
                case PostgreSqlStorageProvider postgres:
                    await postgres.DisposeAsync();
                    await DropSchemaAsync(schema);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }

            directory.Delete(recursive: true);
        }
    }

    private static async Task DropSchemaAsync(string schema)
    {
        await using var source = Npgsql.NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES")!);
        await using var command = source.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    private static double Percentile(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

    private static int Size(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;

    private static string Sentence(Random random, int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[Zipf(random)]));

    // Word frequencies fall off like natural text's, so that some query words are common and most are rare.
    private static int Zipf(Random random) => Math.Min(Vocabulary.Length - 1, (int)Math.Floor(Math.Pow(Vocabulary.Length, random.NextDouble())) - 1);

    private static string[] BuildVocabulary()
    {
        var random = new Random(11);
        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        return [.. Enumerable.Range(0, 5_000).Select(_ => new string([.. Enumerable.Range(0, random.Next(3, 10)).Select(_ => Letters[random.Next(Letters.Length)])]))];
    }
}

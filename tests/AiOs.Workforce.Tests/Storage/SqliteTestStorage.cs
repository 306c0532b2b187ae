using AiOs.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Storage;

/// <summary>SQLite files in a temporary directory of the test class (use as a class fixture).</summary>
public sealed class SqliteTestStorage : ITestStorage, IDisposable
{
    private readonly TempDirectory _root = new("aios-workforce");

    public string NewDatabase() => Path.Combine(_root.Path, "db-" + Guid.NewGuid().ToString("N")[..8]);

    public void AddStorage(IServiceCollection services, string database) =>
        services.AddAiOsSqliteStorage(o => o.DataDirectory = database);

    // SQLite triggers cannot be switched off, so they are dropped for the edit and put back as they were.
    public Task TamperAsync(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(database, "aios.db")};Pooling=False");
        connection.Open();
        var triggers = new List<(string Name, string Sql)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'aios_events'";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                triggers.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        using var edit = connection.CreateCommand();
        edit.CommandText = string.Concat(triggers.Select(t => $"DROP TRIGGER {t.Name};")) + sql + ";" + string.Concat(triggers.Select(t => t.Sql + ";"));
        edit.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> FindEverywhereAsync(string database, string text) =>
        Task.FromResult(DatabaseScan.Sqlite(Path.Combine(database, "aios.db"), text));

    public string[] HostArguments(string database) => ["--storage", "sqlite", "--database", database];

    public void Dispose() => _root.Dispose();
}

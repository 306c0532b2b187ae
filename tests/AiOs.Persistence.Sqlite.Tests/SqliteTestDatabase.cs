using AiOs.Testing;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite.Tests;

/// <summary>A test class's own temporary directory for SQLite databases (use as a class fixture), with raw SQL access
/// for checks the provider's API does not expose.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    private readonly TempDirectory _directory = new("aios-sqlite");

    /// <summary>The directory of the class's main database.</summary>
    public string Directory => _directory.Path;

    /// <summary>Options for the class's main database.</summary>
    public SqliteStorageOptions Options(TimeSpan? busyTimeout = null) => OptionsFor(Directory, busyTimeout);

    /// <summary>Options for a database in <paramref name="directory"/>.</summary>
    public static SqliteStorageOptions OptionsFor(string directory, TimeSpan? busyTimeout = null) =>
        new() { DataDirectory = directory, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5) };

    /// <summary>A new, not yet existing directory inside this one (a brand-new database).</summary>
    public string NewDirectory() => Path.Combine(Directory, "db-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A connection of its own (not pooled, so that closing it really lets go of the file) to the database in
    /// <paramref name="directory"/> (default: the class's).</summary>
    public SqliteConnection Open(string? directory = null)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory ?? Directory, "aios.db"),
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> and returns every row's columns.</summary>
    public List<object?[]> Query(string sql, string? directory = null, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(directory);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => _directory.Dispose();
}

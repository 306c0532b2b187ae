using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AiOs.Testing;

/// <summary>Looks through every table of a whole database for a text: how the forget tests show that nothing about a
/// customer is left anywhere, whatever table a later change adds.</summary>
public static class DatabaseScan
{
    /// <summary>Every place (<c>table.column</c>) in the SQLite file at <paramref name="path"/> whose value contains
    /// <paramref name="text"/> (as text, or as UTF-8 bytes inside binary values).</summary>
    public static IReadOnlyList<string> Sqlite(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            // Virtual tables are read through their shadow tables, which are ordinary tables listed here too.
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    if (value is byte[] blob ? blob.AsSpan().IndexOf(bytes) >= 0 : value?.ToString()?.Contains(text, StringComparison.Ordinal) == true)
                    {
                        found.Add($"{table}.{reader.GetName(i)}");
                    }
                }
            }
        }

        return found;
    }

    /// <summary>Every table of <paramref name="schema"/> in <paramref name="database"/> with a row whose text contains
    /// <paramref name="text"/> (bytea values are compared as hex).</summary>
    public static async Task<IReadOnlyList<string>> PostgreSqlAsync(PostgresDatabase database, string schema, string text)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(schema);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            // A row as text covers every column, bytea included (as hex, so its bytes are compared as hex too).
            await using var select = new NpgsqlCommand(
                $"SELECT count(*) FROM \"{table}\" t WHERE strpos(t::text, $1) > 0 OR strpos(replace(t::text, '\\\\x', ''), $2) > 0", connection);
            select.Parameters.Add(new NpgsqlParameter { Value = text });
            select.Parameters.Add(new NpgsqlParameter { Value = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text)) });
            if ((long)(await select.ExecuteScalarAsync())! > 0)
            {
                found.Add(table);
            }
        }

        return found;
    }
}

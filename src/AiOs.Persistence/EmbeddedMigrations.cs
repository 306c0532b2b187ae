using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace AiOs.Persistence;

/// <summary>One numbered schema migration, shipped as an embedded <c>.sql</c> resource of its provider.</summary>
/// <param name="Version">Its number (1, 2, ...).</param>
/// <param name="Name">Its file name without the number and extension.</param>
/// <param name="Sql">Its SQL.</param>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Reads a provider's migrations from its embedded resources named <c>...Migrations.NNNN_name.sql</c>.</summary>
public static partial class EmbeddedMigrations
{
    /// <summary>The migrations embedded in <paramref name="assembly"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">The numbers are not 1, 2, ... without gaps or repeats.</exception>
    public static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"{assembly.GetName().Name}: migration numbers must run 1, 2, 3... without gaps or repeats; " +
                    $"found {string.Join(", ", migrations.Select(m => m.Version))}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceName();
}

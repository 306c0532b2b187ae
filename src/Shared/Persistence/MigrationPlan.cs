namespace AiOs.Persistence.Shared;

/// <summary>Decides which shipped migrations a database still needs, and refuses databases this build cannot serve.</summary>
internal static class MigrationPlan
{
    /// <summary>The migrations in <paramref name="shipped"/> that are not in <paramref name="applied"/> (version to name), in order.</summary>
    /// <exception cref="InvalidOperationException">The database records a migration this build does not ship (a newer
    /// build migrated it), or one whose name differs from the shipped file of the same number (the files were renumbered).</exception>
    public static IReadOnlyList<Migration> Pending(IReadOnlyList<Migration> shipped, IReadOnlyDictionary<int, string> applied, string location)
    {
        var byVersion = shipped.ToDictionary(m => m.Version);
        foreach (var (version, name) in applied.OrderBy(a => a.Key))
        {
            if (!byVersion.TryGetValue(version, out var migration))
            {
                throw new InvalidOperationException(
                    $"{location} has schema migration {version} ('{name}'), which this build of AiOs does not know " +
                    $"(it ships migrations 1 to {shipped.Count}). A newer AiOs has upgraded this database; run that version.");
            }

            if (!string.Equals(migration.Name, name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"{location} recorded schema migration {version} as '{name}', but this build ships it as '{migration.Name}'. " +
                    "Shipped migrations must never be renamed or renumbered.");
            }
        }

        return shipped.Where(m => !applied.ContainsKey(m.Version)).ToList();
    }
}

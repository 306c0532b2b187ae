using System.Text;

namespace AiOs.Persistence.PostgreSql;

/// <summary>The advisory-lock key that serializes migrations of one schema. It must be the same in every process and
/// every build (string.GetHashCode is randomized per process), so it is a 64-bit FNV-1a hash of a fixed prefix and the
/// schema name.</summary>
internal static class AdvisoryLockKey
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static long ForMigrations(string schema)
    {
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes("aios.migrations:" + schema))
        {
            hash ^= b;
            hash *= Prime;
        }

        return unchecked((long)hash);
    }
}

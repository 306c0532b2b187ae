namespace AiOs.Persistence.Sqlite;

/// <summary>Times are stored as microseconds since the Unix epoch: sortable integers with PostgreSQL's precision
/// (sub-microsecond ticks are truncated, as Npgsql does for timestamptz).</summary>
internal static class SqliteTime
{
    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * 10), TimeSpan.Zero);

    public static long ToMilliseconds(TimeSpan period) => period.Ticks / TimeSpan.TicksPerMillisecond;

    public static TimeSpan FromMilliseconds(long milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}

using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

/// <summary>Which SQLite failures mean "the database cannot be used right now" (transient for the caller).</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int NoMemory = 7;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Protocol = 15;
    private const int Constraint = 19;

    public static bool IsUnavailable(SqliteException ex) =>
        ex.SqliteErrorCode is Busy or Locked or NoMemory or ReadOnly or IoError or Full or CantOpen or Protocol;

    public static bool IsLockTimeout(SqliteException ex) => ex.SqliteErrorCode is Busy or Locked;

    public static bool IsConstraint(SqliteException ex) => ex.SqliteErrorCode == Constraint;
}

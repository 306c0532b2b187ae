using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOs.Persistence.Sqlite;

/// <summary>Grain state, reminders, the event log and the action ledger in one SQLite file: the embedded, zero-set-up
/// provider for a single silo.</summary>
/// <remarks>
/// <para>Durability: WAL journal with <c>synchronous=NORMAL</c>. A committed write survives a crash of the process, which is
/// our crash model (silos get killed; the machine keeps running). Only an OS crash or power loss can lose the last few
/// commits, and never corrupts the file. <c>FULL</c> would add an fsync to every commit, several times the write latency,
/// to also cover power loss.</para>
/// <para>Concurrency: SQLite has one writer at a time. Writes of this process queue on one semaphore and run on one
/// dedicated connection and thread, so they never contend with each other for the file lock (which Microsoft.Data.Sqlite
/// would resolve by sleeping and retrying, blocking a thread each). Readers use pooled connections and, in WAL mode,
/// neither wait for the writer nor take the semaphore.</para>
/// <para>Single silo: <see cref="InitializeAsync"/> locks <c>&lt;database&gt;.lock</c> exclusively for the provider's
/// lifetime; a second silo on the same file is refused.</para>
/// </remarks>
public sealed partial class SqliteStorageProvider : IStorageProvider, IGrainStateStore, IReminderTable, IEventLog, IActionLedger, IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private SqliteConnection? _writer;
    private SqliteWriterThread? _writerThread;
    private SqliteSiloLock? _siloLock;
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Creates the provider; nothing touches the disk until <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are not valid.</exception>
    public SqliteStorageProvider(SqliteStorageOptions options, ILogger<SqliteStorageProvider>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = SqliteStorageOptionsValidator.Describe(options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _logger = logger ?? NullLogger<SqliteStorageProvider>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        DatabasePath = Path.GetFullPath(Path.Combine(options.DataDirectory, options.FileName));

        // Microsoft.Data.Sqlite retries a busy statement until its command timeout, counted in whole seconds. Setting
        // SQLite's own busy_timeout to the same whole seconds makes that one wait inside SQLite (which wakes as soon as the
        // lock is free) followed by no retry, instead of a loop of 150 ms sleeps.
        var seconds = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        _busyTimeout = TimeSpan.FromSeconds(seconds);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = seconds,
        };
        _writerConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = true;
        _readerConnectionString = builder.ToString();
    }

    /// <inheritdoc cref="IStorageProvider.Name" />
    public string Name => "SQLite";

    /// <inheritdoc />
    public string ProviderName => Name;

    /// <inheritdoc />
    public string Location => $"SQLite at {DatabasePath}";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Creates the directory and file when missing, takes the single-silo lock, switches the file to WAL and
    /// applies pending migrations. Safe to call more than once and concurrently.</summary>
    /// <exception cref="InvalidOperationException">Another silo uses the database, or a newer AiOs has migrated it.</exception>
    /// <exception cref="StorageUnavailableException">The directory or file cannot be created or opened, or it is locked.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initialized)
            {
                return;
            }

            CreateDirectory();
            _siloLock = SqliteSiloLock.Acquire(DatabasePath);
            try
            {
                _writer = OpenWriter();
                SqliteMigrator.Apply(_writer, Location, _time, _logger);
                _writerThread = new SqliteWriterThread($"AiOs SQLite writer ({Path.GetFileName(DatabasePath)})");
                _initialized = true;
            }
            catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
            {
                ReleaseResources();
                throw Unavailable(ex);
            }
            catch (SqliteException ex)
            {
                // Not transient: e.g. the file is not a database or is corrupt.
                ReleaseResources();
                throw new InvalidOperationException($"SQLite database {DatabasePath} cannot be used: {ex.Message}", ex);
            }
            catch
            {
                ReleaseResources();
                throw;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <summary>Closes the connections and releases the single-silo lock.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Let a write in progress finish on the writer connection before closing it.
        _writeGate.Wait(_busyTimeout + TimeSpan.FromSeconds(1));
        ReleaseResources();
    }

    private void CreateDirectory()
    {
        var directory = Path.GetDirectoryName(DatabasePath)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"SQLite database {DatabasePath} is unavailable: cannot create directory {directory}: {ex.Message}", ex);
        }
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            connection.Open();
            var journalMode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture) ?? "";
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                Log.NotWal(_logger, Location, journalMode);
            }

            Scalar(connection, "PRAGMA synchronous = NORMAL");
            Scalar(connection, $"PRAGMA busy_timeout = {(long)_busyTimeout.TotalMilliseconds}");
            Log.Opened(_logger, Location, journalMode);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void ReleaseResources()
    {
        _writerThread?.Dispose();
        _writerThread = null;
        _writer?.Dispose();
        _writer = null;
        using (var pooled = new SqliteConnection(_readerConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _siloLock?.Dispose();
        _siloLock = null;
        _initialized = false;
    }

    private void ThrowIfNotReady()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            throw new InvalidOperationException(
                $"{Location} has not been initialized: call IStorageProvider.InitializeAsync before using it (the host does this at start).");
        }
    }

    /// <summary>Runs a read on a pooled connection. Readers never take the write semaphore.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        ThrowIfNotReady();
        try
        {
            var connection = new SqliteConnection(_readerConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return read(connection);
            }
        }
        catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Runs a write on the dedicated writer connection, one at a time.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> write, CancellationToken cancellationToken)
    {
        ThrowIfNotReady();

        // Bounded like the database lock itself: a write queued this long is stuck behind writes that cannot get the
        // lock, and the caller is better served by a transient error than by an unbounded queue.
        if (!await _writeGate.WaitAsync(_busyTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new StorageUnavailableException(
                $"SQLite database {DatabasePath} is unavailable: a write waited {_busyTimeout.TotalSeconds:0} s behind earlier " +
                "writes of this process that are waiting for the database lock.");
        }

        try
        {
            ThrowIfNotReady();
            cancellationToken.ThrowIfCancellationRequested();

            var connection = _writer!;
            return await _writerThread!.RunAsync(() => write(connection)).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private StorageUnavailableException Unavailable(SqliteException ex) =>
        SqliteErrors.IsLockTimeout(ex)
            ? new StorageUnavailableException(
                $"SQLite database {DatabasePath} is locked by another process or connection: gave up after waiting " +
                $"{_busyTimeout.TotalSeconds:0} s for the lock ({ex.Message}).",
                ex)
            : new StorageUnavailableException($"SQLite database {DatabasePath} is unavailable: {ex.Message}", ex);

    private static void AddParameter(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
}

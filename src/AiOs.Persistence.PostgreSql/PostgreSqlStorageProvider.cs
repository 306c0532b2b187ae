using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

/// <summary>Grain state (jsonb), reminders, the event log and the action ledger in PostgreSQL: the provider for production
/// and every cluster.</summary>
/// <remarks>One <see cref="NpgsqlDataSource"/> per provider, built from the options, with <c>search_path</c> set to the
/// configured schema so that every statement uses unqualified table names. Every write is one statement whose WHERE
/// clause carries the ETag check, so concurrent writers from any number of silos are decided by the database.
/// Errors name host, port and database, never the connection string.</remarks>
public sealed partial class PostgreSqlStorageProvider : IStorageProvider, IGrainStateStore, IReminderTable, IEventLog, IActionLedger, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>A small pool of its own for membership and leases: a silo busy with grain traffic must still renew its
    /// leases and heartbeat on time, not wait behind its grains for a connection.</summary>
    private readonly NpgsqlDataSource _clusterDataSource;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _schema;
    private readonly string? _password;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Creates the provider and its data source; nothing connects until <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are not valid.</exception>
    public PostgreSqlStorageProvider(PostgreSqlStorageOptions options, ILogger<PostgreSqlStorageProvider>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = PostgreSqlStorageOptionsValidator.Describe(options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _logger = logger ?? NullLogger<PostgreSqlStorageProvider>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _schema = options.Schema;

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.SearchPath = options.Schema;
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "aios";
        }

        _password = settings.Password;
        var database = settings.Database ?? settings.Username ?? "(default)";
        Location = $"PostgreSQL at {settings.Host}:{settings.Port}, database {database}, schema {options.Schema}";
        var cluster = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            ApplicationName = settings.ApplicationName + "-cluster",
            MaxPoolSize = ClusterPoolSize,
            MinPoolSize = 0,
        };
        _dataSource = builder.Build();
        _clusterDataSource = NpgsqlDataSource.Create(cluster);
    }

    /// <summary>Connections of the membership and lease pool: a heartbeat, a lease round and a status change at a time.</summary>
    private const int ClusterPoolSize = 4;

    /// <inheritdoc cref="IStorageProvider.Name" />
    public string Name => "PostgreSQL";

    /// <inheritdoc />
    public string ProviderName => Name;

    /// <inheritdoc />
    public string Location { get; }

    /// <summary>Creates the schema when missing and applies pending migrations under an advisory lock, so that any
    /// number of silos may start at once. Safe to call more than once.</summary>
    /// <exception cref="StorageUnavailableException">The server cannot be reached; the message names host, port and database.</exception>
    /// <exception cref="InvalidOperationException">The server refused the login, the database does not exist, or a newer
    /// AiOs has migrated the schema.</exception>
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

            await RunAsync(
                (connection, ct) => PostgreSqlMigrator.ApplyAsync(connection, _schema, Location, _logger, ct),
                cancellationToken,
                requireInitialized: false).ConfigureAwait(false);
            _initialized = true;
        }
        catch (Exception ex) when (PostgreSqlErrors.IsLoginRefused(ex))
        {
            throw new InvalidOperationException($"{Location} refused this silo: {PostgreSqlErrors.Describe(ex, _password)}", ex);
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            await _clusterDataSource.DisposeAsync().ConfigureAwait(false);
            _initGate.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _dataSource.Dispose();
            _clusterDataSource.Dispose();
            _initGate.Dispose();
        }
    }

    private async Task RunAsync(Func<NpgsqlConnection, CancellationToken, Task> action, CancellationToken cancellationToken, bool requireInitialized = true) =>
        await RunAsync<bool>(
            async (connection, ct) =>
            {
                await action(connection, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken,
            requireInitialized).ConfigureAwait(false);

    /// <summary>Runs <paramref name="action"/> on a pooled connection, turning connection failures into
    /// <see cref="StorageUnavailableException"/>.</summary>
    private Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> action, CancellationToken cancellationToken, bool requireInitialized = true) =>
        RunOnAsync(_dataSource, action, cancellationToken, requireInitialized);

    /// <summary>As <see cref="RunAsync{T}"/>, on the membership and lease pool.</summary>
    private Task<T> RunClusterAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> action, CancellationToken cancellationToken, bool requireInitialized = true) =>
        RunOnAsync(_clusterDataSource, action, cancellationToken, requireInitialized);

    private async Task RunClusterAsync(Func<NpgsqlConnection, CancellationToken, Task> action, CancellationToken cancellationToken, bool requireInitialized = true) =>
        await RunClusterAsync<bool>(
            async (connection, ct) =>
            {
                await action(connection, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken,
            requireInitialized).ConfigureAwait(false);

    private async Task<T> RunOnAsync<T>(NpgsqlDataSource source, Func<NpgsqlConnection, CancellationToken, Task<T>> action, CancellationToken cancellationToken, bool requireInitialized)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (requireInitialized && !_initialized)
        {
            throw new InvalidOperationException(
                $"{Location} has not been initialized: call IStorageProvider.InitializeAsync before using it (the host does this at start).");
        }

        try
        {
            var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await action(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgreSqlErrors.IsUnavailable(ex))
        {
            // The other idle connections in the pool most likely died with this one (server restart, network cut); drop
            // them so that the first call after recovery does not fail on a dead connection.
            Log.Unavailable(_logger, Location, ex);
            source.Clear();
            throw new StorageUnavailableException($"{Location} is unavailable: {PostgreSqlErrors.Describe(ex, _password)}", ex);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql) => new(sql, connection);

    private static void Add(NpgsqlCommand command, object? value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });

    private static DateTimeOffset Utc(DateTimeOffset time) => time.ToUniversalTime();
}

using AiOs.Persistence;
using AiOs.Persistence.Ledger;
using AiOs.Persistence.Sqlite;
using AiOs.Testing;

namespace AiOs.Connectors.Tests.Infrastructure;

/// <summary>A real action ledger (SQLite in a temporary directory), so that connectors are tested as the workforce uses
/// them: through the ledger's runner, which records the intent before the call and the outcome after.</summary>
public sealed class LedgerFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("aios-connectors");
    private SqliteStorageProvider? _provider;

    public IActionLedger Ledger => _provider ?? throw new InvalidOperationException("not initialized");

    public static StorageWriter Writer { get; } = new("test-silo");

    public async ValueTask InitializeAsync()
    {
        _provider = new SqliteStorageProvider(new SqliteStorageOptions { DataDirectory = _directory.Path });
        await _provider.InitializeAsync();
    }

    /// <summary>An intent of its own goal (so that keys never collide between tests).</summary>
    public static ActionIntent Intent(string action, string request)
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N")[..10];
        return new ActionIntent(ActionKey.For(goal, "send", 0, action), goal, "send", 0, action, "default", request);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            _provider.Dispose();
        }

        _directory.Dispose();
    }
}

using System.Diagnostics;
using AiOs.Testing;

namespace AiOs.Persistence.Sqlite.Tests;

/// <summary>SQLite serves one silo: the provider locks <c>&lt;db&gt;.lock</c> for its lifetime.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteSingleSiloTests(SqliteTestDatabase database) : IClassFixture<SqliteTestDatabase>
{
    [Fact]
    public async Task Initialize_SecondProviderOnTheSameFile_FailsWithAClearMessage()
    {
        var directory = database.NewDirectory();
        using var first = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));
        using var second = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));
        await first.InitializeAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.InitializeAsync());

        Assert.Contains($"SQLite database {first.DatabasePath} is already in use by another AiOs silo", error.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite supports one silo. Use PostgreSQL for a cluster.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_AfterTheFirstProviderIsDisposed_SucceedsAndSeesItsData()
    {
        var directory = database.NewDirectory();
        var key = new GrainStateKey(new GrainId("test", "k"), "state", 1);
        string etag;
        using (var first = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory)))
        {
            await first.InitializeAsync();
            etag = await first.WriteAsync(key, """{"v":1}""", null, new StorageWriter("silo-a"));
        }

        using var second = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));
        await second.InitializeAsync();

        Assert.Equal(etag, (await second.ReadAsync(key))!.ETag);
    }

    [Fact]
    public async Task Initialize_ProvidersRacingOnAFreshFile_ExactlyOneWins()
    {
        var directory = database.NewDirectory();
        var providers = Enumerable.Range(0, 4).Select(_ => new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory))).ToArray();
        try
        {
            var outcomes = await Concurrently.RunAsync(providers.Length, async i =>
            {
                await providers[i].InitializeAsync();
                return i;
            });

            Assert.Single(outcomes, o => o.Succeeded);
            Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<InvalidOperationException>(o.Error));
        }
        finally
        {
            foreach (var provider in providers)
            {
                provider.Dispose();
            }
        }
    }

    [Fact]
    public async Task LockFile_IsHeldAgainstOtherProcessesUntilDispose()
    {
        // flock(1) uses the same kernel lock as .NET's FileShare.None on Unix, so this is what another silo process sees.
        var directory = database.NewDirectory();
        var provider = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));
        await provider.InitializeAsync();
        var lockFile = provider.DatabasePath + ".lock";

        var whileHeld = await TryLockFromAnotherProcessAsync(lockFile);
        provider.Dispose();
        var afterDispose = await TryLockFromAnotherProcessAsync(lockFile);

        Assert.False(whileHeld, "another process could lock the file while the provider held it");
        Assert.True(afterDispose, "another process could not lock the file after the provider was disposed");
    }

    private static async Task<bool> TryLockFromAnotherProcessAsync(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("flock", ["--nonblock", "--exclusive", path, "true"]) { RedirectStandardError = true })!;
        await Eventually.WithinAsync(process.WaitForExitAsync(), "flock to exit");
        return process.ExitCode == 0;
    }
}

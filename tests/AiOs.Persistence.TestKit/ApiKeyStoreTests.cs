using AiOs.Testing;

namespace AiOs.Persistence.TestKit;

/// <summary>The API key store: keys round-trip (hash bytes and times included), ids are unique, at most one key generated
/// at first start is ever stored, and revocation never leaves the protected scope without an active key. Tests use a
/// scope of their own so that they never see each other's keys in the class's shared table.</summary>
public abstract class ApiKeyStoreTests : StorageTestBase
{
    private static readonly DateTimeOffset CreatedAt = new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.Zero).AddTicks(1_234_560);

    private IApiKeyStore Keys => Storage.ApiKeys;

    [Fact]
    public async Task InsertedKey_ReadsBackExactly()
    {
        var key = NewKey(NewScope());

        Assert.True(await Keys.TryInsertAsync(key));

        var stored = await Keys.FindAsync(key.KeyId);
        Assert.NotNull(stored);
        Assert.Equal(key.KeyId, stored.KeyId);
        Assert.Equal(key.Name, stored.Name);
        Assert.Equal(key.Scope, stored.Scope);
        Assert.Equal(key.SecretHash, stored.SecretHash);
        Assert.Equal(key.CreatedAt, stored.CreatedAt);
        Assert.Equal(key.CreatedBy, stored.CreatedBy);
        Assert.False(stored.IsInitial);
        Assert.True(stored.IsActive);
        Assert.Null(stored.RevokedBy);
    }

    [Fact]
    public async Task Insert_WithATakenId_ReturnsFalse_AndKeepsTheFirstKey()
    {
        var first = NewKey(NewScope());
        await Keys.TryInsertAsync(first);

        Assert.False(await Keys.TryInsertAsync(first with { Name = "impostor", SecretHash = [9, 9, 9] }));

        var stored = await Keys.FindAsync(first.KeyId);
        Assert.Equal(first.Name, stored!.Name);
        Assert.Equal(first.SecretHash, stored.SecretHash);
    }

    [Fact]
    public async Task Find_UnknownId_ReturnsNull()
    {
        Assert.Null(await Keys.FindAsync("no-such-key-" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task InitialKey_OfManySilosStartingAtOnce_ExactlyOneIsStored_AndNoneEverAfter()
    {
        // The only test of this class that stores initial keys: "at most one, ever" holds per database.
        var scope = NewScope();
        var candidates = Enumerable.Range(0, 8).Select(_ => NewKey(scope)).ToList();

        var outcomes = await Concurrently.RunAsync(candidates.Count, i => Keys.TryInsertInitialAsync(candidates[i]));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Single(outcomes, o => o.Result);
        var winner = candidates[Array.FindIndex(outcomes, o => o.Result)];
        Assert.True((await Keys.FindAsync(winner.KeyId))!.IsInitial);
        Assert.False(await Keys.TryInsertInitialAsync(NewKey(scope)));
        Assert.Single(await Keys.ListAsync(), k => k.IsInitial);
    }

    [Fact]
    public async Task List_ReturnsEveryKey_NewestFirst_RevokedOnesIncluded()
    {
        var scope = NewScope();
        var older = NewKey(scope) with { CreatedAt = CreatedAt };
        var newer = NewKey(scope) with { CreatedAt = CreatedAt.AddMinutes(1) };
        await Keys.TryInsertAsync(older);
        await Keys.TryInsertAsync(newer);
        await Keys.RevokeAsync(older.KeyId, CreatedAt.AddMinutes(2), "key:test", protectedScope: null);

        var listed = (await Keys.ListAsync()).Where(k => k.Scope == scope).ToList();

        Assert.Equal([newer.KeyId, older.KeyId], listed.Select(k => k.KeyId));
        Assert.False(listed[1].IsActive);
    }

    [Fact]
    public async Task Revoke_ActiveKey_RecordsWhenAndByWhom_ThenIsIdempotent()
    {
        var key = NewKey(NewScope());
        await Keys.TryInsertAsync(key);
        var at = CreatedAt.AddHours(1);

        var (outcome, revoked) = await Keys.RevokeAsync(key.KeyId, at, "key:abc", protectedScope: null);

        Assert.Equal(ApiKeyRevocationOutcome.Revoked, outcome);
        Assert.Equal(at, revoked!.RevokedAt);
        Assert.Equal("key:abc", revoked.RevokedBy);
        Assert.False((await Keys.FindAsync(key.KeyId))!.IsActive);

        var (again, unchanged) = await Keys.RevokeAsync(key.KeyId, at.AddHours(1), "key:other", protectedScope: null);
        Assert.Equal(ApiKeyRevocationOutcome.AlreadyRevoked, again);
        Assert.Equal(at, unchanged!.RevokedAt);
        Assert.Equal("key:abc", unchanged.RevokedBy);
    }

    [Fact]
    public async Task Revoke_UnknownKey_IsNotFound()
    {
        var (outcome, key) = await Keys.RevokeAsync("no-such-key", CreatedAt, "key:abc", protectedScope: null);

        Assert.Equal(ApiKeyRevocationOutcome.NotFound, outcome);
        Assert.Null(key);
    }

    [Fact]
    public async Task Revoke_LastActiveKeyOfTheProtectedScope_IsRefused_WhileOthersRemainRevocable()
    {
        var scope = NewScope();
        var first = NewKey(scope);
        var second = NewKey(scope);
        await Keys.TryInsertAsync(first);
        await Keys.TryInsertAsync(second);

        Assert.Equal(ApiKeyRevocationOutcome.Revoked, (await Keys.RevokeAsync(first.KeyId, CreatedAt, "key:a", scope)).Outcome);
        var (outcome, kept) = await Keys.RevokeAsync(second.KeyId, CreatedAt, "key:a", scope);

        Assert.Equal(ApiKeyRevocationOutcome.LastOfProtectedScope, outcome);
        Assert.True(kept!.IsActive);
        Assert.True((await Keys.FindAsync(second.KeyId))!.IsActive);
    }

    [Fact]
    public async Task ConcurrentRevocations_OfTheLastTwoProtectedKeys_LeaveOneActive()
    {
        for (var round = 0; round < 5; round++)
        {
            var scope = NewScope();
            var keys = new[] { NewKey(scope), NewKey(scope) };
            foreach (var key in keys)
            {
                await Keys.TryInsertAsync(key);
            }

            var outcomes = await Concurrently.RunAsync(2, i => Keys.RevokeAsync(keys[i].KeyId, CreatedAt, "key:racer", scope));

            Assert.All(outcomes, o => Assert.Null(o.Error));
            Assert.Single(outcomes, o => o.Result.Outcome == ApiKeyRevocationOutcome.Revoked);
            Assert.Single(outcomes, o => o.Result.Outcome == ApiKeyRevocationOutcome.LastOfProtectedScope);
            Assert.Single((await Keys.ListAsync()).Where(k => k.Scope == scope), k => k.IsActive);
        }
    }

    private static string NewScope() => "scope-" + Guid.NewGuid().ToString("N")[..12];

    private static StoredApiKey NewKey(string scope) => new(
        Guid.NewGuid().ToString("N")[..16],
        "test key",
        scope,
        Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray(),
        CreatedAt,
        "key:creator");
}

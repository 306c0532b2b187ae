using AiOs.Persistence.TestKit;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

/// <summary>What jsonb accepts and refuses.</summary>
[Trait("Category", "Integration")]
public sealed class PostgreSqlPayloadTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly StorageWriter Writer = new("silo-a");
    private PostgreSqlStorageProvider _provider = null!;

    public async ValueTask InitializeAsync()
    {
        _provider = PostgreSqlTestOptions.Provider(database);
        await _provider.InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Write_JsonWithEscapedNulCharacter_IsRefusedAsNonTransientNamingGrainAndState()
    {
        var key = new GrainStateKey(new GrainId("customer", Guid.NewGuid().ToString("N")), "profile", 1);

        // System.Text.Json writes U+0000 in a string as \u0000, which jsonb cannot convert to text.
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _provider.WriteAsync(key, """{"name":"a\u0000b"}""", null, Writer));

        Assert.IsNotAssignableFrom<ITransientException>(error);
        Assert.Contains(key.GrainId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("'profile'", error.Message, StringComparison.Ordinal);
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);
        Assert.Null(await _provider.ReadAsync(key));
    }

    [Fact]
    public async Task Write_JsonWithRawNulCharacter_IsRefusedNamingGrainAndState()
    {
        var key = new GrainStateKey(new GrainId("customer", Guid.NewGuid().ToString("N")), "profile", 1);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _provider.WriteAsync(key, "{\"name\":\"a\0b\"}", null, Writer));

        Assert.Contains(key.GrainId.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Null(await _provider.ReadAsync(key));
    }

    [Fact]
    public async Task Write_NulRefusal_LeavesTheExistingStateAndItsETag()
    {
        var key = new GrainStateKey(new GrainId("customer", Guid.NewGuid().ToString("N")), "profile", 1);
        var etag = await _provider.WriteAsync(key, """{"v":1}""", null, Writer);

        await Assert.ThrowsAsync<ArgumentException>(() => _provider.WriteAsync(key, """{"v":"\u0000"}""", etag, Writer));

        var stored = await _provider.ReadAsync(key);
        Assert.Equal(etag, stored!.ETag);
        JsonAssert.Equivalent("""{"v":1}""", stored.Json);
    }

    [Fact]
    public async Task Write_StoresThePayloadAsJsonb()
    {
        var key = new GrainStateKey(new GrainId("customer", Guid.NewGuid().ToString("N")), "profile", 1);
        await _provider.WriteAsync(key, """{"tags":["a","b"],"n":1}""", null, Writer);

        var types = await database.QueryAsync(
            $"SELECT jsonb_typeof(payload) || ':' || jsonb_typeof(payload->'tags') FROM aios_grain_state WHERE grain_key = '{key.GrainId.Key}'");

        Assert.Equal(["object:array"], types);
    }
}

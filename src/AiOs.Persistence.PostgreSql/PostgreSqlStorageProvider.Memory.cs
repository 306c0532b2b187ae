using System.Text.Json;
using AiOs.Persistence.Memory;
using AiOs.Persistence.Shared;
using Npgsql;
using NpgsqlTypes;

namespace AiOs.Persistence.PostgreSql;

// IMemoryStore. A write takes the scope's transaction-scoped advisory lock first, then stores items and draws the scope's
// new version from the sequence, so that a scope's versions rise in commit order. A search builds its tsquery from plain
// words (MemoryText.Terms) joined by '|', so no character of a query reaches tsquery syntax, and compares the scope exactly.
public sealed partial class PostgreSqlStorageProvider : IMemoryStore
{
    /// <summary>The first key of the memory scopes' advisory locks (the second is a hash of the scope).</summary>
    private const int MemoryLockClass = 0x4d454d;

    private const string MemoryColumns = """
        item_id, scope_kind, scope_id, kind, text, source, actor, created_at, event_sequence, reference, confidence,
        embedding, source_items, role, customer_id
        """;

    // Parameters $3..$8: kinds, since, until, source, minimum confidence, role.
    private const string MemoryFilterClause = """
        AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
        AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz)
        AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)
        AND ($6::text IS NULL OR source = $6::text)
        AND ($7::float8 IS NULL OR confidence >= $7::float8)
        AND ($8::text IS NULL OR role IS NULL OR role = $8::text)
        """;

    private const string LockMemoryScope = "SELECT pg_advisory_xact_lock($1, hashtext($2 || '/' || $3))";

    private const string InsertMemoryItems = """
        INSERT INTO aios_memory_items (item_id, scope_kind, scope_id, kind, text, source, actor, created_at, event_sequence,
                                       reference, confidence, embedding, source_items, role, customer_id)
        SELECT t.id, $1, $2, t.kind, t.text, t.source, t.actor, t.at, t.event, t.reference, t.confidence, t.embedding,
               t.sources, t.role, t.customer
        FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::bigint[], $10::text[],
                    $11::float8[], $12::bytea[], $13::text[], $14::text[], $15::text[])
             AS t(id, kind, text, source, actor, at, event, reference, confidence, embedding, sources, role, customer)
        ON CONFLICT (item_id) DO NOTHING
        """;

    private const string BumpMemoryVersion = """
        INSERT INTO aios_memory_scopes (scope_kind, scope_id, version) VALUES ($1, $2, nextval('aios_memory_versions'))
        ON CONFLICT (scope_kind, scope_id) DO UPDATE SET version = excluded.version
        RETURNING version
        """;

    private const string SelectMemoryVersion = "SELECT version FROM aios_memory_scopes WHERE scope_kind = $1 AND scope_id = $2";

    private const string DeleteMemoryItems = "DELETE FROM aios_memory_items WHERE scope_kind = $1 AND scope_id = $2 AND item_id = ANY($3)";

    private const string SelectMemoryItems = $"""
        SELECT {MemoryColumns} FROM aios_memory_items WHERE scope_kind = $1 AND scope_id = $2 AND item_id = ANY($3)
        """;

    private const string ListMemoryItems = $"""
        SELECT {MemoryColumns} FROM aios_memory_items
        WHERE scope_kind = $1 AND scope_id = $2
          AND ($9::timestamptz IS NULL OR (created_at, item_id) > ($9::timestamptz, $10::text))
          {MemoryFilterClause}
        ORDER BY created_at, item_id LIMIT $11
        """;

    private const string SearchMemoryText = $"""
        SELECT item_id, ts_rank(tsv, q) AS rank
        FROM aios_memory_items, to_tsquery('simple'::regconfig, $9) AS q
        WHERE scope_kind = $1 AND scope_id = $2 AND tsv @@ q
          {MemoryFilterClause}
        ORDER BY rank DESC, item_id LIMIT $10
        """;

    private const string ListMemoryScopes = """
        SELECT scope_kind, scope_id FROM aios_memory_scopes
        WHERE $1::text IS NULL OR (scope_kind, scope_id) > ($1::text, $2::text)
        ORDER BY scope_kind, scope_id LIMIT $3
        """;

    private const string SelectScopesAboutCustomer = """
        SELECT DISTINCT scope_kind, scope_id FROM aios_memory_items
        WHERE customer_id = $1 AND NOT (scope_kind = 'customer' AND scope_id = $1)
        """;

    private const string DeleteCustomerMemory = "DELETE FROM aios_memory_items WHERE (scope_kind = 'customer' AND scope_id = $1) OR customer_id = $1";

    private const string DeleteCustomerScope = "DELETE FROM aios_memory_scopes WHERE scope_kind = 'customer' AND scope_id = $1";

    /// <inheritdoc />
    public Task<(long Version, int Added)> AddAsync(MemoryScope scope, IReadOnlyList<MemoryItem> items, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateItems(scope, items);
        return InScopeTransactionAsync(scope, async (connection, ct) =>
        {
            var insert = Command(connection, InsertMemoryItems);
            await using (insert.ConfigureAwait(false))
            {
                Add(insert, scope.KindName);
                Add(insert, scope.Id);
                Add(insert, items.Select(i => i.ItemId).ToArray());
                Add(insert, items.Select(i => MemoryRules.KindName(i.Kind)).ToArray());
                Add(insert, items.Select(i => i.Text).ToArray());
                Add(insert, items.Select(i => i.Provenance.Source).ToArray());
                Add(insert, items.Select(i => i.Provenance.Actor).ToArray());
                Add(insert, items.Select(i => Utc(i.Provenance.At)).ToArray());
                Add(insert, items.Select(i => i.Provenance.EventSequence).ToArray());
                Add(insert, items.Select(i => i.Provenance.Reference).ToArray());
                Add(insert, items.Select(i => i.Confidence).ToArray());
                Add(insert, items.Select(i => MemoryText.EncodeEmbedding(i.Embedding)).ToArray());
                Add(insert, items.Select(i => JsonSerializer.Serialize(i.SourceItemIds ?? [])).ToArray());
                Add(insert, items.Select(i => i.Role).ToArray());
                Add(insert, items.Select(i => i.CustomerId).ToArray());
                var added = await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                var version = added > 0 ? await BumpVersionAsync(connection, scope, ct).ConfigureAwait(false) : await ReadVersionAsync(connection, scope, ct).ConfigureAwait(false);
                return (version, added);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<(long Version, int Removed)> RemoveAsync(MemoryScope scope, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(itemIds);
        return InScopeTransactionAsync(scope, async (connection, ct) =>
        {
            var delete = Command(connection, DeleteMemoryItems, scope.KindName, scope.Id, itemIds.ToArray());
            await using (delete.ConfigureAwait(false))
            {
                var removed = await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                var version = removed > 0 ? await BumpVersionAsync(connection, scope, ct).ConfigureAwait(false) : await ReadVersionAsync(connection, scope, ct).ConfigureAwait(false);
                return (version, removed);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> VersionAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        return RunAsync((connection, ct) => ReadVersionAsync(connection, scope, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> GetAsync(MemoryScope scope, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(itemIds);
        return RunAsync<IReadOnlyList<MemoryItem>>(async (connection, ct) =>
        {
            var command = Command(connection, SelectMemoryItems, scope.KindName, scope.Id, itemIds.ToArray());
            await using (command.ConfigureAwait(false))
            {
                return await ReadMemoryItemsAsync(command, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryItem>> ListAsync(
        MemoryScope scope, MemoryFilter filter, (DateTimeOffset At, string ItemId)? after, int limit, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<MemoryItem>>(async (connection, ct) =>
        {
            var command = FilteredCommand(connection, ListMemoryItems, scope, filter);
            await using (command.ConfigureAwait(false))
            {
                Typed(command, NpgsqlDbType.TimestampTz, after is { } a ? Utc(a.At) : null);
                Typed(command, NpgsqlDbType.Text, after?.ItemId);
                Add(command, limit);
                return await ReadMemoryItemsAsync(command, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryTextHit>> SearchTextAsync(
        MemoryScope scope, IReadOnlyList<string> terms, MemoryFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        MemoryRules.ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var words = terms.SelectMany(MemoryText.Terms).Distinct(StringComparer.Ordinal).Take(MemoryText.MaxTerms).ToList();
        if (words.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MemoryTextHit>>([]);
        }

        // Words are runs of letters and digits only: joined by '|' they are a tsquery that cannot be malformed.
        var query = string.Join(" | ", words);
        return RunAsync<IReadOnlyList<MemoryTextHit>>(async (connection, ct) =>
        {
            var command = FilteredCommand(connection, SearchMemoryText, scope, filter);
            await using (command.ConfigureAwait(false))
            {
                Add(command, query);
                Add(command, limit);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var hits = new List<MemoryTextHit>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        hits.Add(new MemoryTextHit(reader.GetString(0), reader.GetFloat(1)));
                    }

                    return hits;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MemoryScope>> ListScopesAsync(MemoryScope? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<MemoryScope>>(async (connection, ct) =>
        {
            var command = Command(connection, ListMemoryScopes);
            await using (command.ConfigureAwait(false))
            {
                Typed(command, NpgsqlDbType.Text, after?.KindName);
                Typed(command, NpgsqlDbType.Text, after?.Id);
                Add(command, limit);
                return await ReadScopesAsync(command, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MemoryForgetCounts> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var scope = MemoryScope.Customer(customerId);
        MemoryRules.ValidateScope(scope);
        return InScopeTransactionAsync(scope, async (connection, ct) =>
        {
            List<MemoryScope> others;
            var select = Command(connection, SelectScopesAboutCustomer, customerId);
            await using (select.ConfigureAwait(false))
            {
                others = await ReadScopesAsync(select, ct).ConfigureAwait(false);
            }

            long removed;
            var delete = Command(connection, DeleteCustomerMemory, customerId);
            await using (delete.ConfigureAwait(false))
            {
                removed = await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var deleteScope = Command(connection, DeleteCustomerScope, customerId);
            await using (deleteScope.ConfigureAwait(false))
            {
                await deleteScope.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            foreach (var other in others)
            {
                await BumpVersionAsync(connection, other, ct).ConfigureAwait(false);
            }

            return new MemoryForgetCounts(removed, removed, [scope, .. others]);
        }, cancellationToken);
    }

    private Task<T> InScopeTransactionAsync<T>(MemoryScope scope, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var lockScope = Command(connection, LockMemoryScope, MemoryLockClass, scope.KindName, scope.Id);
                await using (lockScope.ConfigureAwait(false))
                {
                    await lockScope.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                var result = await work(connection, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
        }, cancellationToken);

    private static async Task<long> BumpVersionAsync(NpgsqlConnection connection, MemoryScope scope, CancellationToken ct)
    {
        var command = Command(connection, BumpMemoryVersion, scope.KindName, scope.Id);
        await using (command.ConfigureAwait(false))
        {
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
    }

    private static async Task<long> ReadVersionAsync(NpgsqlConnection connection, MemoryScope scope, CancellationToken ct)
    {
        var command = Command(connection, SelectMemoryVersion, scope.KindName, scope.Id);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long version ? version : 0;
        }
    }

    private static NpgsqlCommand FilteredCommand(NpgsqlConnection connection, string sql, MemoryScope scope, MemoryFilter filter)
    {
        var command = Command(connection, sql, scope.KindName, scope.Id);
        Typed(command, NpgsqlDbType.Array | NpgsqlDbType.Text, MemoryRules.KindNames(filter));
        Typed(command, NpgsqlDbType.TimestampTz, filter.Since is { } since ? Utc(since) : null);
        Typed(command, NpgsqlDbType.TimestampTz, filter.Until is { } until ? Utc(until) : null);
        Typed(command, NpgsqlDbType.Text, filter.Source);
        Typed(command, NpgsqlDbType.Double, filter.MinConfidence);
        Typed(command, NpgsqlDbType.Text, filter.Role);
        return command;
    }

    private static void Typed(NpgsqlCommand command, NpgsqlDbType type, object? value) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value ?? DBNull.Value });

    private static async Task<List<MemoryScope>> ReadScopesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var scopes = new List<MemoryScope>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                scopes.Add(MemoryRules.Scope(reader.GetString(0), reader.GetString(1)));
            }

            return scopes;
        }
    }

    private static async Task<List<MemoryItem>> ReadMemoryItemsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var items = new List<MemoryItem>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                items.Add(new MemoryItem(
                    reader.GetString(0),
                    MemoryRules.Scope(reader.GetString(1), reader.GetString(2)),
                    MemoryRules.ParseKind(reader.GetString(3)),
                    reader.GetString(4),
                    new MemoryProvenance(
                        reader.GetString(5),
                        reader.GetString(6),
                        reader.GetFieldValue<DateTimeOffset>(7),
                        reader.IsDBNull(8) ? null : reader.GetInt64(8),
                        reader.IsDBNull(9) ? null : reader.GetString(9)),
                    reader.GetDouble(10),
                    MemoryText.DecodeEmbedding(reader.GetFieldValue<byte[]>(11)),
                    JsonSerializer.Deserialize<string[]>(reader.GetString(12)) ?? [],
                    reader.IsDBNull(13) ? null : reader.GetString(13),
                    reader.IsDBNull(14) ? null : reader.GetString(14)));
            }

            return items;
        }
    }
}
